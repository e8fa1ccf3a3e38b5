package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jakarta Messaging rules that lose, strand or mis-handle messages when broken, against a server process:
 * acknowledgement of consumed messages only, stopped connections, durable subscription selectors, callback
 * threads and the calls forbidden inside callbacks, selector type checks and literals, JMSX group properties and
 * message groups, domain sessions, receiveBody, and asynchronous sends without a destination.
 */
class JmsConformanceIT {
    /** Bound for anything a test waits for; each wait ends as soon as its condition holds. */
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    static Installation fmq;
    static int clientPort;

    @BeforeAll
    static void start() throws Exception {
        fmq = Installation.copy(dir);
        clientPort = fmq.useFreePorts("FioranoMQ")[0];
        assertThat(fmq.run("fmq.sh", "-profile", "FioranoMQ").exitCode()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        fmq.killServers();
    }

    static FmqConnectionFactory factory(int prefetch) {
        FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + clientPort);
        f.setPrefetch(prefetch);
        f.setUser("admin");
        f.setPassword("passwd");
        return f;
    }

    static Connection connect(int prefetch) throws Exception {
        return factory(prefetch).createConnection("admin", "passwd");
    }

    static String text(Message m) throws Exception {
        return m == null ? null : ((TextMessage) m).getText();
    }

    static List<String> drain(MessageConsumer c, long timeoutMillis) throws Exception {
        List<String> got = new ArrayList<>();
        Message m;
        while ((m = c.receive(timeoutMillis)) != null) {
            got.add(text(m));
        }
        return got;
    }

    static void send(Session s, jakarta.jms.Destination to, String... texts) throws Exception {
        MessageProducer p = s.createProducer(to);
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
        p.close();
    }

    // ------------------------------------------------------------------------------------------- 1. CLIENT_ACKNOWLEDGE

    @Test
    void acknowledgeCoversOnlyConsumedMessagesSoPrefetchedOnesComeBackAfterRecover() throws Exception {
        try (Connection c = connect(10)) {
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q1 = s.createQueue("ack-prefetched");
            Queue q2 = s.createQueue("ack-consumed");
            send(s, q1, "p1", "p2", "p3");
            MessageConsumer prefetching = s.createConsumer(q1);
            c.start(); // the three messages go to the prefetching consumer's buffer now, before anything else
            MessageConsumer other = s.createConsumer(q2);
            send(s, q2, "consumed");
            Message consumed = other.receive(WAIT.toMillis());
            assertThat(text(consumed)).isEqualTo("consumed");
            consumed.acknowledge(); // acknowledges "consumed" only, not the prefetched p1..p3 (lower delivery ids)
            s.recover();
            assertThat(drain(prefetching, 2000)).containsExactly("p1", "p2", "p3");
            assertThat(other.receive(300)).as("the acknowledged message does not come back").isNull();
        }
    }

    @Test
    void prefetchedMessagesComeBackWhenTheConnectionCloses() throws Exception {
        try (Connection c = connect(10)) {
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q1 = s.createQueue("ack-close-prefetched");
            Queue q2 = s.createQueue("ack-close-consumed");
            send(s, q1, "a", "b");
            s.createConsumer(q1);
            c.start();
            MessageConsumer other = s.createConsumer(q2);
            send(s, q2, "x");
            other.receive(WAIT.toMillis()).acknowledge();
        }
        try (Connection c = connect(10)) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThat(drain(s.createConsumer(s.createQueue("ack-close-prefetched")), 2000)).containsExactly("a", "b");
            assertThat(s.createConsumer(s.createQueue("ack-close-consumed")).receive(300)).isNull();
        }
    }

    @Test
    void recoverDoesNotCountPrefetchedMessagesAsRedelivered() throws Exception {
        try (Connection c = connect(10)) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = s.createQueue("recover-counts");
            send(s, q, "first", "second");
            MessageConsumer consumer = s.createConsumer(q);
            Message first = consumer.receive(WAIT.toMillis());
            assertThat(text(first)).isEqualTo("first");
            s.recover();
            Message again = consumer.receive(WAIT.toMillis());
            Message second = consumer.receive(WAIT.toMillis());
            assertThat(text(again)).isEqualTo("first");
            assertThat(again.getJMSRedelivered()).isTrue();
            assertThat(text(second)).isEqualTo("second");
            assertThat(second.getJMSRedelivered()).as("never given to the application before").isFalse();
            assertThat(second.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
            second.acknowledge();
        }
    }

    // ------------------------------------------------------------------------------------------- 2. stopped connections

    @Test
    void aConnectionThatWasNeverStartedTakesNoMessagesFromACompetingConsumer() throws Exception {
        try (Connection idle = connect(10); Connection active = connect(10)) {
            Session is = idle.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = is.createQueue("stopped-competitor");
            is.createConsumer(q); // never started
            active.start();
            Session as = active.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = as.createConsumer(q);
            String[] texts = new String[20];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = "m" + i;
            }
            send(as, q, texts);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < texts.length; i++) {
                Message m = consumer.receive(WAIT.toMillis());
                assertThat(m).as("message " + i + " of 20 reached the started consumer").isNotNull();
                got.add(text(m));
            }
            assertThat(got).containsExactly(texts);
        }
    }

    @Test
    void stoppingAConnectionReturnsItsPrefetchedMessagesToTheQueue() throws Exception {
        try (Connection first = connect(10); Connection second = connect(10)) {
            first.start();
            Session fs = first.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = fs.createQueue("stop-returns");
            MessageConsumer a = fs.createConsumer(q);
            send(fs, q, "s0", "s1", "s2", "s3", "s4", "s5");
            assertThat(text(a.receive(WAIT.toMillis()))).isEqualTo("s0"); // s1..s5 wait in a's buffer
            first.stop();
            assertThat(a.receiveNoWait()).as("a stopped connection delivers nothing").isNull();
            second.start();
            Session ss = second.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer b = ss.createConsumer(q);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Message m = b.receive(WAIT.toMillis());
                assertThat(m).as("returned message " + i).isNotNull();
                assertThat(m.getJMSRedelivered()).as("it was never given to the application").isFalse();
                got.add(text(m));
            }
            assertThat(got).containsExactly("s1", "s2", "s3", "s4", "s5");
            first.start();
            assertThat(a.receive(300)).as("the first consumer no longer holds them").isNull();
        }
    }

    @Test
    void aListenerIsNotCalledWhileItsConnectionIsStopped() throws Exception {
        try (Connection c = connect(10)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("stopped-listener");
            List<String> heard = new CopyOnWriteArrayList<>();
            s.createConsumer(q).setMessageListener(m -> {
                try {
                    heard.add(text(m));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Session sender = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            send(sender, q, "later");
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(heard::isEmpty);
            c.start();
            await().atMost(WAIT).until(() -> heard.equals(List.of("later")));
        }
    }

    // ------------------------------------------------------------------------------------------- 3. durable subscription selectors

    @Test
    void aDurableSubscriptionReopenedWithAnEquivalentSelectorKeepsItsMessages() throws Exception {
        try (Connection c = connect(10)) {
            c.setClientID("selector-equivalence");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("selector-equivalence");
            s.createDurableSubscriber(t, "empty", "", false).close();
            s.createDurableSubscriber(t, "spaced", "kind  =  'a'", false).close();
            s.createDurableSubscriber(t, "changed", "kind = 'a'", false).close();
            MessageProducer p = s.createProducer(t);
            for (int i = 0; i < 3; i++) {
                Message m = s.createTextMessage("t" + i);
                m.setStringProperty("kind", "a");
                p.send(m);
            }
            assertThat(drain(s.createDurableSubscriber(t, "empty", null, false), 2000)).as("'' and null both mean no selector")
                    .containsExactly("t0", "t1", "t2");
            assertThat(drain(s.createDurableSubscriber(t, "spaced", " kind = 'a' ", false), 2000)).containsExactly("t0", "t1", "t2");
            assertThat(s.createDurableSubscriber(t, "changed", "kind = 'b'", false).receive(300))
                    .as("a real change of selector replaces the subscription").isNull();
        }
        try (Connection c = connect(10)) {
            c.setClientID("selector-equivalence");
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String name : List.of("empty", "spaced", "changed")) {
                s.unsubscribe(name);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- 4. callbacks

    /** What a callback saw: its thread, and what the calls it tried threw. */
    static final class Seen {
        final CompletableFuture<String> thread = new CompletableFuture<>();
        final Map<String, Throwable> thrown = Collections.synchronizedMap(new HashMap<>());

        void attempt(String what, ThrowingRunnable call) {
            try {
                call.run();
                thrown.put(what, null);
            } catch (Throwable t) {
                thrown.put(what, t);
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void completionListenersRunOffTheIoThreadAndMayNotCloseOrCommitTheirOwnObjects() throws Exception {
        Connection c = connect(10);
        try {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = s.createQueue("completion-forbidden");
            MessageProducer p = s.createProducer(q);
            Seen seen = new Seen();
            p.send(s.createTextMessage("async"), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    seen.attempt("producer.close", p::close);
                    seen.attempt("session.commit", s::commit);
                    seen.attempt("session.rollback", s::rollback);
                    seen.attempt("session.close", s::close);
                    seen.attempt("connection.close", c::close);
                    seen.thread.complete(Thread.currentThread().getName());
                }

                @Override
                public void onException(Message message, Exception exception) {
                    seen.thread.completeExceptionally(exception);
                }
            });
            String thread = seen.thread.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(thread).as("the session's delivery thread, not the I/O thread").startsWith("fmq-session-")
                    .doesNotContain("client-io");
            for (String call : List.of("producer.close", "session.commit", "session.rollback", "session.close", "connection.close")) {
                assertThat(seen.thrown.get(call)).as(call).isInstanceOf(jakarta.jms.IllegalStateException.class);
            }
            s.commit(); // the session is still open and usable outside the callback
            p.close();
        } finally {
            c.close();
        }
    }

    @Test
    void completionListenersOfAContextMayNotCloseCommitOrRollBackIt() throws Exception {
        try (JMSContext ctx = factory(10).createContext(JMSContext.SESSION_TRANSACTED)) {
            Queue q = ctx.createQueue("context-completion");
            Seen seen = new Seen();
            ctx.createProducer().setAsync(new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    seen.attempt("context.close", ctx::close);
                    seen.attempt("context.commit", ctx::commit);
                    seen.attempt("context.rollback", ctx::rollback);
                    seen.thread.complete(Thread.currentThread().getName());
                }

                @Override
                public void onException(Message message, Exception exception) {
                    seen.thread.completeExceptionally(exception);
                }
            }).send(q, "async");
            assertThat(seen.thread.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).doesNotContain("client-io");
            for (String call : List.of("context.close", "context.commit", "context.rollback")) {
                assertThat(seen.thrown.get(call)).as(call).isInstanceOf(IllegalStateRuntimeException.class);
            }
            ctx.commit();
        }
    }

    @Test
    void completionListenersAreCalledOneAtATimeInTheOrderOfTheSends() throws Exception {
        try (Connection c = connect(10)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("completion-order");
            MessageProducer p = s.createProducer(q);
            List<Integer> order = new CopyOnWriteArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            int sends = 200;
            for (int i = 0; i < sends; i++) {
                int n = i;
                // persistent and non-persistent sends mixed: the server confirms them at different times
                p.send(s.createTextMessage("c" + i), i % 2 == 0 ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT, 4, 0,
                        new CompletionListener() {
                            @Override
                            public void onCompletion(Message message) {
                                if (running.incrementAndGet() > 1) {
                                    overlaps.incrementAndGet();
                                }
                                order.add(n);
                                running.decrementAndGet();
                            }

                            @Override
                            public void onException(Message message, Exception exception) {
                                order.add(-1);
                            }
                        });
            }
            p.close(); // returns once every callback has returned
            assertThat(order).hasSize(sends);
            for (int i = 0; i < sends; i++) {
                assertThat(order.get(i)).isEqualTo(i);
            }
            assertThat(overlaps).hasValue(0);
            c.start();
            assertThat(drain(s.createConsumer(q), 2000)).hasSize(sends);
        }
    }

    @Test
    void messageListenersMayNotCloseTheirSessionOrStopOrCloseTheirConnection() throws Exception {
        Connection c = connect(10);
        try {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("listener-forbidden");
            MessageConsumer consumer = s.createConsumer(q);
            Seen seen = new Seen();
            consumer.setMessageListener(m -> {
                seen.attempt("session.close", s::close);
                seen.attempt("connection.stop", c::stop);
                seen.attempt("connection.close", c::close);
                seen.attempt("consumer.close", consumer::close); // allowed: onMessage then completes normally
                seen.thread.complete(Thread.currentThread().getName());
            });
            c.start();
            send(c.createSession(false, Session.AUTO_ACKNOWLEDGE), q, "hello");
            assertThat(seen.thread.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).startsWith("fmq-session-");
            for (String call : List.of("session.close", "connection.stop", "connection.close")) {
                assertThat(seen.thrown.get(call)).as(call).isInstanceOf(jakarta.jms.IllegalStateException.class);
            }
            assertThat(seen.thrown).containsEntry("consumer.close", null);
        } finally {
            c.close();
        }
    }

    @Test
    void messageListenersOfAContextMayNotStopOrCloseIt() throws Exception {
        try (JMSContext ctx = factory(10).createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue("context-listener");
            Seen seen = new Seen();
            ctx.createConsumer(q).setMessageListener(m -> {
                seen.attempt("context.stop", ctx::stop);
                seen.attempt("context.close", ctx::close);
                seen.thread.complete(Thread.currentThread().getName());
            });
            ctx.createProducer().send(q, "hello");
            assertThat(seen.thread.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).doesNotContain("client-io");
            for (String call : List.of("context.stop", "context.close")) {
                assertThat(seen.thrown.get(call)).as(call).isInstanceOf(IllegalStateRuntimeException.class);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- 5. selectors

    @Test
    void selectorsWithTypeErrorsAreRefusedWhenTheConsumerIsCreated() throws Exception {
        try (Connection c = connect(10)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("bad-selectors");
            for (String bad : List.of("myProp BETWEEN 'a' AND 'b'", "myProp > 'foo'", "'foo' >= TRUE", "TRUE = 0", "myProp + 'x' = 1",
                    "9223372036854775808 = myProp")) {
                assertThatThrownBy(() -> s.createConsumer(q, bad)).as(bad).isInstanceOf(InvalidSelectorException.class);
            }
        }
    }

    @Test
    void numericLiteralsAreReadAsInJava() throws Exception {
        try (Connection c = connect(10)) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("literals");
            Map<String, MessageConsumer> consumers = new HashMap<>();
            List<String> selectors = List.of("n = 035", "n = 0x1d", "n = 0X1DL", "n = 29L", "n > -9223372036854775808",
                    "n >= -9223372036854775808L", "n = 2.9e1", "n = 29d", "n < 29.5f", "big = -9223372036854775808");
            for (String selector : selectors) {
                consumers.put(selector, s.createConsumer(s.createQueue("literals-" + Math.abs(selector.hashCode())), selector));
            }
            for (String selector : selectors) {
                Message m = s.createTextMessage(selector);
                m.setIntProperty("n", 29);
                m.setLongProperty("big", Long.MIN_VALUE);
                s.createProducer(s.createQueue("literals-" + Math.abs(selector.hashCode()))).send(m);
            }
            for (String selector : selectors) {
                assertThat(text(consumers.get(selector).receive(WAIT.toMillis()))).as(selector).isEqualTo(selector);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- 6. JMSX and groups

    @Test
    void jmsxGroupPropertiesAreListedAndRoundTripOnEveryMessageType() throws Exception {
        try (Connection c = connect(10)) {
            assertThat(Collections.list(c.getMetaData().getJMSXPropertyNames())).contains("JMSXGroupID", "JMSXGroupSeq",
                    "JMSXDeliveryCount");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("jmsx-roundtrip");
            List<Message> kinds = List.of(s.createMessage(), s.createTextMessage("t"), s.createBytesMessage(), s.createMapMessage(),
                    s.createStreamMessage(), s.createObjectMessage("o"));
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < kinds.size(); i++) {
                kinds.get(i).setStringProperty("JMSXGroupID", "group-" + i);
                kinds.get(i).setIntProperty("JMSXGroupSeq", i + 1);
                p.send(kinds.get(i));
            }
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < kinds.size(); i++) {
                Message m = consumer.receive(WAIT.toMillis());
                assertThat(m).isInstanceOf(kinds.get(i).getClass().getInterfaces()[0]);
                assertThat(m.getStringProperty("JMSXGroupID")).isEqualTo("group-" + i);
                assertThat(m.getIntProperty("JMSXGroupSeq")).isEqualTo(i + 1);
                assertThat(Collections.list(m.getPropertyNames())).contains("JMSXGroupID", "JMSXGroupSeq");
            }
        }
    }

    @Test
    void messagesOfAGroupGoToOneConsumerInOrder() throws Exception {
        try (Connection one = connect(1); Connection two = connect(1)) {
            one.start();
            two.start();
            Session s1 = one.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session s2 = two.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s1.createQueue("groups");
            List<MessageConsumer> consumers = List.of(s1.createConsumer(q), s2.createConsumer(q));
            MessageProducer p = s1.createProducer(q);
            int perGroup = 10;
            List<String> groups = List.of("red", "green", "blue");
            for (int i = 0; i < perGroup; i++) {
                for (String g : groups) {
                    Message m = s1.createTextMessage(g + "-" + i);
                    m.setStringProperty("JMSXGroupID", g);
                    m.setIntProperty("JMSXGroupSeq", i + 1);
                    p.send(m);
                }
            }
            Map<String, Set<Integer>> consumersOfGroup = new HashMap<>();
            Map<String, List<Integer>> sequence = new HashMap<>();
            int received = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (received < perGroup * groups.size() && System.nanoTime() < deadline) {
                for (int k = 0; k < consumers.size(); k++) {
                    Message m = consumers.get(k).receive(100);
                    if (m != null) {
                        String g = m.getStringProperty("JMSXGroupID");
                        consumersOfGroup.computeIfAbsent(g, x -> new HashSet<>()).add(k);
                        sequence.computeIfAbsent(g, x -> new ArrayList<>()).add(m.getIntProperty("JMSXGroupSeq"));
                        received++;
                    }
                }
            }
            assertThat(received).isEqualTo(perGroup * groups.size());
            for (String g : groups) {
                assertThat(consumersOfGroup.get(g)).as("consumers that saw group " + g).hasSize(1);
                assertThat(sequence.get(g)).as("order within group " + g).isSorted().hasSize(perGroup);
            }
            assertThat(new HashSet<>(consumersOfGroup.values())).as("both consumers got groups").hasSize(2);
        }
    }

    // ------------------------------------------------------------------------------------------- 7. domain sessions

    @Test
    void domainSessionsRefuseTheOtherDomain() throws Exception {
        FmqConnectionFactory f = factory(10);
        try (QueueConnection qc = f.createQueueConnection("admin", "passwd"); TopicConnection tc = f.createTopicConnection("admin", "passwd")) {
            tc.setClientID("domain-sessions");
            QueueSession qs = qc.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = tc.createTopicSession(false, Session.AUTO_ACKNOWLEDGE).createTopic("domain-topic");
            List<ThrowingRunnable> queueSessionRefuses = List.of(() -> qs.createTopic("t"), qs::createTemporaryTopic,
                    () -> qs.createDurableSubscriber(topic, "d"), () -> qs.createDurableSubscriber(topic, "d", null, false),
                    () -> qs.createDurableConsumer(topic, "d"), () -> qs.createSharedConsumer(topic, "s"),
                    () -> qs.createSharedDurableConsumer(topic, "s"), () -> qs.unsubscribe("d"));
            for (ThrowingRunnable call : queueSessionRefuses) {
                assertThatThrownBy(call::run).isInstanceOf(jakarta.jms.IllegalStateException.class);
            }
            Queue queue = qs.createQueue("domain-queue");
            TopicSession ts = tc.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
            List<ThrowingRunnable> topicSessionRefuses = List.of(() -> ts.createQueue("q"), ts::createTemporaryQueue,
                    () -> ts.createBrowser(queue), () -> ts.createBrowser(queue, "a = 1"));
            for (ThrowingRunnable call : topicSessionRefuses) {
                assertThatThrownBy(call::run).isInstanceOf(jakarta.jms.IllegalStateException.class);
            }
            assertThat(qs.createTemporaryQueue()).isNotNull();
            assertThat(ts.createTemporaryTopic()).isNotNull();
        }
    }

    // ------------------------------------------------------------------------------------------- 8. receiveBody

    @Test
    void receiveBodyOfAnUnreadableMessageThrowsAndLeavesItForTheNextReceive() throws Exception {
        try (JMSContext ctx = factory(10).createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue("receive-body-auto");
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer().send(q, ctx.createMessage()).send(q, "text body").send(q, ctx.createStreamMessage());
            assertThatThrownBy(() -> consumer.receiveBody(String.class, WAIT.toMillis())).as("a bare Message has no body to return")
                    .isInstanceOf(MessageFormatRuntimeException.class);
            Message again = consumer.receive(WAIT.toMillis());
            assertThat(again).isNotNull().isNotInstanceOf(TextMessage.class);
            assertThat(again.getJMSRedelivered()).isFalse();
            assertThatThrownBy(() -> consumer.receiveBody(Integer.class, WAIT.toMillis())).isInstanceOf(MessageFormatRuntimeException.class);
            assertThat(consumer.receiveBody(String.class, WAIT.toMillis())).isEqualTo("text body");
            assertThatThrownBy(() -> consumer.receiveBody(byte[].class, WAIT.toMillis())).as("a stream message")
                    .isInstanceOf(MessageFormatRuntimeException.class);
            assertThat(consumer.receiveNoWait()).isInstanceOf(StreamMessage.class);
        }
    }

    @Test
    void receiveBodyInClientAcknowledgeModeCountsTheMessageAsDelivered() throws Exception {
        try (JMSContext ctx = factory(10).createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue("receive-body-client");
            JMSConsumer consumer = ctx.createConsumer(q);
            ctx.createProducer().send(q, ctx.createMessage()).send(q, "second");
            assertThatThrownBy(() -> consumer.receiveBody(String.class, WAIT.toMillis())).isInstanceOf(MessageFormatRuntimeException.class);
            assertThat(consumer.receiveBody(String.class, WAIT.toMillis())).isEqualTo("second");
            ctx.recover();
            Message first = consumer.receive(WAIT.toMillis());
            assertThat(first).isNotInstanceOf(TextMessage.class);
            assertThat(first.getJMSRedelivered()).isTrue();
            assertThat(consumer.receiveBody(String.class, WAIT.toMillis())).isEqualTo("second");
            ctx.acknowledge();
        }
    }

    // ------------------------------------------------------------------------------------------- 9. async send to no destination

    @Test
    void anAsynchronousSendWithoutADestinationIsAnInvalidDestination() throws Exception {
        CompletionListener ignored = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
            }

            @Override
            public void onException(Message message, Exception exception) {
            }
        };
        try (Connection c = connect(10)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer anonymous = s.createProducer(null);
            assertThatThrownBy(() -> anonymous.send(null, s.createTextMessage("x"), ignored))
                    .isInstanceOf(InvalidDestinationException.class);
            assertThatThrownBy(() -> anonymous.send(null, s.createTextMessage("x"), DeliveryMode.PERSISTENT, 4, 0, ignored))
                    .isInstanceOf(InvalidDestinationException.class);
        }
        try (JMSContext ctx = factory(10).createContext()) {
            assertThatThrownBy(() -> ctx.createProducer().setAsync(ignored).send(null, "x"))
                    .isInstanceOf(InvalidDestinationRuntimeException.class);
        }
    }
}
