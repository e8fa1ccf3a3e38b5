package io.fmq.ha.lock;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Run by {@link FileHaLockTest} in a separate JVM: tries once to take the lock file given as the
 * first argument, prints {@code acquired <identity>} or {@code refused}, then holds on (with the
 * lock, if it got it) until its standard input closes or it is killed.
 */
public final class LockHolderProcess {

    private LockHolderProcess() {
    }

    public static void main(String[] args) throws IOException {
        try (FileHaLock lock = new FileHaLock(Path.of(args[0]), LockOwner.ofThisProcess("ChildProcess"))) {
            boolean acquired = lock.tryAcquire(Long.parseLong(args[1]));
            System.out.println(acquired ? "acquired " + lock.identity() : "refused");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input or kill us
            }
        }
    }
}
