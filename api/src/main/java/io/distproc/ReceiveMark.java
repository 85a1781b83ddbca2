package io.distproc;

/**
 * A position in one process's mailbox, from {@link ProcessContext#mark()}: a receive given it
 * considers only the entries that arrived after it.
 *
 * <p>A mark belongs to the process that took it and stays valid for the life of that process; it
 * may be used any number of times. Instances are immutable; they are meaningful only on the owning
 * process's thread.
 *
 * @since 0.1.0
 */
@DoNotImplement
public interface ReceiveMark {}
