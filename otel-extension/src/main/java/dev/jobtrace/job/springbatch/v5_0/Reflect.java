package dev.jobtrace.job.springbatch.v5_0;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spring Batch 6 moved most of the types its 5.x releases had (JobExecution, StepExecution, Chunk,
 * JobParameters) to new packages and turned some into records: jobtrace reads them by method name,
 * which both majors share, looked up once per class.
 */
final class Reflect {

  /** Per class and method name: the method, or empty when the class has none. */
  private static final ConcurrentHashMap<String, Optional<Method>> METHODS =
      new ConcurrentHashMap<>();

  private Reflect() {}

  /**
   * The value of the first of {@code names} that {@code target} has as a public no-argument method,
   * or null.
   */
  static Object call(Object target, String... names) {
    if (target == null) {
      return null;
    }
    for (String name : names) {
      Optional<Method> method =
          METHODS.computeIfAbsent(
              target.getClass().getName() + '#' + name, k -> find(target.getClass(), name));
      if (method.isPresent()) {
        try {
          return method.get().invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  static long number(Object target, String name) {
    Object value = call(target, name);
    return value instanceof Number ? ((Number) value).longValue() : 0;
  }

  static String string(Object value) {
    return value == null
        ? null
        : value instanceof Enum ? ((Enum<?>) value).name() : String.valueOf(value);
  }

  /** A declared field of {@code type} or its superclasses, by name; null when there is none. */
  static Object field(Object target, String className, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        try {
          Field field = c.getDeclaredField(name);
          field.setAccessible(true);
          return field.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static Optional<Method> find(Class<?> type, String name) {
    try {
      Method method = type.getMethod(name);
      method.setAccessible(true);
      return Optional.of(method);
    } catch (NoSuchMethodException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
