package dev.jobtrace.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobMethodsTest {

  @Test
  void parsesClassesWithTheirMethods() {
    JobMethods jobs =
        JobMethods.parse("com.acme.Billing[run, retry];com.acme.Nightly$Inner[execute]");
    assertThat(jobs.rejected()).isEmpty();
    assertThat(jobs.contains("com.acme.Billing", "run")).isTrue();
    assertThat(jobs.contains("com.acme.Billing", "retry")).isTrue();
    assertThat(jobs.contains("com.acme.Nightly$Inner", "execute")).isTrue();
    assertThat(jobs.contains("com.acme.Billing", "execute")).isFalse();
    assertThat(jobs.toMethodsInclude())
        .isEqualTo("com.acme.Billing[run,retry];com.acme.Nightly$Inner[execute]");
  }

  @Test
  void keepsValidEntriesAndNamesTheMalformedOnes() {
    JobMethods jobs =
        JobMethods.parse(
            " com.acme.Billing[run] ;com.acme.NoMethods[];[run];com.acme.Open[run;;bad name[x]");
    assertThat(jobs.contains("com.acme.Billing", "run")).isTrue();
    assertThat(jobs.rejected())
        .containsExactly("com.acme.NoMethods[]", "[run]", "com.acme.Open[run", "bad name[x]");
    assertThat(jobs.toMethodsInclude()).isEqualTo("com.acme.Billing[run]");
  }

  @Test
  void mergesRepeatedClasses() {
    JobMethods jobs = JobMethods.parse("a.B[x];a.B[y,x]");
    assertThat(jobs.toMethodsInclude()).isEqualTo("a.B[x,y]");
  }

  @Test
  void emptyOrUnsetMeansNoJobs() {
    assertThat(JobMethods.parse(null).isEmpty()).isTrue();
    assertThat(JobMethods.parse(" ; ").isEmpty()).isTrue();
    assertThat(JobMethods.parse(" ; ").rejected()).isEmpty();
  }
}
