package io.fmq.store;

import java.io.IOException;

class InMemoryJournalTest extends JournalContractTest {
    private InMemoryJournal current;

    @Override
    protected Journal create() {
        current = new InMemoryJournal();
        return current;
    }

    @Override
    protected Journal reopen() {
        current = current.reopen();
        return current;
    }

    @Override
    protected void breakWrites() {
        current.failWrites(new IOException("No space left on device"));
    }
}
