package dev.jobtrace.job.springbatch.v5_0;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.extendsClass;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.jobtrace.job.BookkeepingAdvice;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The JDBC job repository's reads and writes (job instances, executions, step executions, their
 * contexts, the id sequences) are Spring Batch's bookkeeping: untraced inside a job as outside,
 * counted on the job span as {@code jobtrace.job.bookkeeping_calls}.
 */
public final class SpringBatchBookkeepingInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return extendsClass(
        named("org.springframework.batch.core.repository.dao.AbstractJdbcBatchMetadataDao"));
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        isPublic()
            .and(not(isConstructor()))
            .and(not(nameStartsWith("set")))
            .and(not(named("afterPropertiesSet"))),
        BookkeepingAdvice.Anywhere.class.getName());
  }
}
