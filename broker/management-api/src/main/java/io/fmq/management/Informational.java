package io.fmq.management;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an MXBean operation that only reads (JMX impact {@code INFO}): read-only JMX accounts may invoke
 * it. Every other operation has impact {@code ACTION} and needs a read-write account.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Informational {
}
