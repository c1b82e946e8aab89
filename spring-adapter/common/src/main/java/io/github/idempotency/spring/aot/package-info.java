/** Spring AOT and GraalVM native image hints for what the library loads at run time. */
package io.github.idempotency.spring.aot;
