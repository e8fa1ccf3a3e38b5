package io.fmq.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The durable link's reconnect decisions, driven by a manual ticker. */
class ReconnectMachineTest {
    private static final long MS = 1_000_000L;
    private final ReconnectPlan plan = new ReconnectPlan(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2));
    private long now = 1_000_000_000L;

    private ReconnectMachine online(int servers, int first) {
        ReconnectMachine m = new ReconnectMachine(plan, servers);
        m.firstConnected(first);
        assertThat(m.online()).isTrue();
        return m;
    }

    @Test
    void aLossTriesTheOtherServerAtOnceThenRoundTheListWithBackoffBetweenRounds() {
        ReconnectMachine m = online(2, 0);
        assertThat(m.lost(now)).isTrue();

        ReconnectMachine.Next first = m.next(now);
        assertThat(first.kind()).isEqualTo(ReconnectMachine.Next.Kind.ATTEMPT);
        assertThat(first.serverIndex()).isEqualTo(1);
        assertThat(first.delayMillis()).isZero();

        now += 10 * MS;
        ReconnectMachine.Next second = m.next(now);
        assertThat(second.serverIndex()).isZero();
        assertThat(second.delayMillis()).as("the lost server right after, in the same round").isZero();
        ReconnectMachine.Next third = m.next(now);
        assertThat(third.serverIndex()).isEqualTo(1);
        assertThat(third.delayMillis()).as("the next round after the backoff").isEqualTo(100);
        now += 110 * MS;
        assertThat(m.next(now).delayMillis()).isZero();
        assertThat(m.next(now).delayMillis()).isEqualTo(200);
        assertThat(m.next(now).delayMillis()).isZero();
        assertThat(m.next(now).delayMillis()).isEqualTo(400);
        assertThat(m.next(now).delayMillis()).isZero();
        assertThat(m.next(now).delayMillis()).as("capped at the maximum").isEqualTo(400);
    }

    @Test
    void theLastAttemptComesAtTheTimeoutThenItGivesUp() {
        ReconnectMachine m = online(1, 0);
        m.lost(now);
        m.next(now);
        now += 1_900 * MS;
        ReconnectMachine.Next last = m.next(now);
        assertThat(last.kind()).isEqualTo(ReconnectMachine.Next.Kind.ATTEMPT);
        assertThat(last.delayMillis()).isEqualTo(100);

        now += 100 * MS;
        assertThat(m.next(now).kind()).isEqualTo(ReconnectMachine.Next.Kind.GIVE_UP);
        assertThat(m.state()).isEqualTo(ReconnectMachine.State.FAILED);
        assertThat(m.lost(now)).as("a failed link loses nothing more").isFalse();
    }

    @Test
    void aFailedRestoreKeepsTheOutageClockAndLooksAgain() {
        ReconnectMachine m = online(2, 0);
        m.lost(now);
        ReconnectMachine.Next a = m.next(now);
        assertThat(m.connected(a.serverIndex())).isTrue();
        assertThat(m.serverIndex()).isEqualTo(1);
        assertThat(m.previousIndex()).isZero();

        now += 1_500 * MS;
        assertThat(m.restoreFailed(now)).isTrue();
        assertThat(m.state()).isEqualTo(ReconnectMachine.State.DISCONNECTED);
        now += 600 * MS;
        assertThat(m.next(now).kind()).as("the timeout counts from the first loss").isEqualTo(ReconnectMachine.Next.Kind.GIVE_UP);
    }

    @Test
    void goingOnlineEndsTheOutageSoTheNextLossHasTheWholeTimeout() {
        ReconnectMachine m = online(2, 0);
        m.lost(now);
        m.connected(m.next(now).serverIndex());
        assertThat(m.online()).isTrue();

        now += 10_000 * MS;
        assertThat(m.lost(now)).isTrue();
        ReconnectMachine.Next n = m.next(now);
        assertThat(n.kind()).isEqualTo(ReconnectMachine.Next.Kind.ATTEMPT);
        assertThat(n.serverIndex()).as("after server 1, server 0").isZero();
    }

    @Test
    void staleOutcomesChangeNothing() {
        ReconnectMachine m = online(2, 0);
        assertThat(m.connected(1)).as("connected while online").isFalse();
        assertThat(m.restoreFailed(now)).isFalse();
        assertThat(m.next(now).kind()).isEqualTo(ReconnectMachine.Next.Kind.NOTHING);
        m.lost(now);
        assertThat(m.lost(now)).as("a second loss report").isFalse();
        assertThat(m.close()).isTrue();
        assertThat(m.attemptWanted()).isFalse();
        assertThat(m.connected(1)).isFalse();
        assertThat(m.close()).isFalse();
    }
}
