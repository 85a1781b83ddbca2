/**
 * INTERNAL API: the runtime's view of the public types, exported to {@code io.distproc.runtime}
 * alone. It may change in any release.
 */
package io.distproc.internal;
