package io.fmq.client.jndi;

import io.fmq.client.FmqDestination;
import java.util.Collections;
import java.util.Hashtable;
import java.util.Map;
import javax.naming.Binding;
import javax.naming.CompositeName;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.NameClassPair;
import javax.naming.NameNotFoundException;
import javax.naming.NameParser;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;

/** The flat, read-only naming context {@link FmqInitialContextFactory} builds from its environment. */
final class ReadOnlyContext implements Context {
    private final Map<String, Object> bindings;
    private final Hashtable<Object, Object> environment;

    ReadOnlyContext(Map<String, Object> bindings, Hashtable<Object, Object> environment) {
        this.bindings = Collections.unmodifiableMap(bindings);
        this.environment = environment;
    }

    @Override
    public Object lookup(String name) throws NamingException {
        if (name.isEmpty()) {
            return this;
        }
        Object o = bindings.get(name);
        if (o != null) {
            return o;
        }
        if (name.startsWith("dynamicQueues/")) {
            return new FmqDestination.FmqQueue(name.substring("dynamicQueues/".length()));
        }
        if (name.startsWith("dynamicTopics/")) {
            return new FmqDestination.FmqTopic(name.substring("dynamicTopics/".length()));
        }
        throw new NameNotFoundException("'" + name + "' is not bound; bound are " + bindings.keySet()
                + " (add connectionFactory.*, queue.* or topic.* entries to jndi.properties)");
    }

    @Override
    public Object lookup(Name name) throws NamingException {
        return lookup(name.toString());
    }

    private static NamingException readOnly() {
        return new OperationNotSupportedException("the FMQ JNDI context is read-only: describe objects in jndi.properties");
    }

    @Override
    public void bind(Name name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void bind(String name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rebind(Name name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rebind(String name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void unbind(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void unbind(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rename(Name oldName, Name newName) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rename(String oldName, String newName) throws NamingException {
        throw readOnly();
    }

    @Override
    public NamingEnumeration<NameClassPair> list(Name name) throws NamingException {
        return list(name.toString());
    }

    @Override
    public NamingEnumeration<NameClassPair> list(String name) throws NamingException {
        java.util.Iterator<Map.Entry<String, Object>> it = bindings.entrySet().iterator();
        return new Enumeration<>(() -> {
            Map.Entry<String, Object> e = it.next();
            return new NameClassPair(e.getKey(), e.getValue().getClass().getName());
        }, it::hasNext);
    }

    @Override
    public NamingEnumeration<Binding> listBindings(Name name) throws NamingException {
        return listBindings(name.toString());
    }

    @Override
    public NamingEnumeration<Binding> listBindings(String name) throws NamingException {
        java.util.Iterator<Map.Entry<String, Object>> it = bindings.entrySet().iterator();
        return new Enumeration<>(() -> {
            Map.Entry<String, Object> e = it.next();
            return new Binding(e.getKey(), e.getValue());
        }, it::hasNext);
    }

    @Override
    public void destroySubcontext(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void destroySubcontext(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Context createSubcontext(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Context createSubcontext(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Object lookupLink(Name name) throws NamingException {
        return lookup(name);
    }

    @Override
    public Object lookupLink(String name) throws NamingException {
        return lookup(name);
    }

    @Override
    public NameParser getNameParser(Name name) {
        return CompositeName::new;
    }

    @Override
    public NameParser getNameParser(String name) {
        return CompositeName::new;
    }

    @Override
    public Name composeName(Name name, Name prefix) throws NamingException {
        return ((Name) prefix.clone()).addAll(name);
    }

    @Override
    public String composeName(String name, String prefix) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    @Override
    public Object addToEnvironment(String propName, Object propVal) {
        return environment.put(propName, propVal);
    }

    @Override
    public Object removeFromEnvironment(String propName) {
        return environment.remove(propName);
    }

    @Override
    public Hashtable<?, ?> getEnvironment() {
        return new Hashtable<>(environment);
    }

    @Override
    public void close() {
    }

    @Override
    public String getNameInNamespace() {
        return "";
    }

    /** A naming enumeration over a supplier. */
    private static final class Enumeration<T> implements NamingEnumeration<T> {
        private final java.util.function.Supplier<T> next;
        private final java.util.function.BooleanSupplier hasNext;

        Enumeration(java.util.function.Supplier<T> next, java.util.function.BooleanSupplier hasNext) {
            this.next = next;
            this.hasNext = hasNext;
        }

        @Override
        public T next() {
            return next.get();
        }

        @Override
        public boolean hasMore() {
            return hasNext.getAsBoolean();
        }

        @Override
        public void close() {
        }

        @Override
        public boolean hasMoreElements() {
            return hasNext.getAsBoolean();
        }

        @Override
        public T nextElement() {
            return next.get();
        }
    }
}
