package dev.jobtrace.linker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProfileIdTest {
  @Test
  void parsesTheSpanContractFormat() {
    ProfileId id = ProfileId.parse("4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7");
    assertThat(id.traceId).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(id.spanId).isEqualTo("00f067aa0ba902b7");
  }

  @Test
  void malformedIdsSayWhatIsExpected() {
    for (String bad :
        new String[] {
          "",
          "abc",
          "4bf92f3577b34da6a3ce929d0e0e4736",
          "4bf92f3577b34da6a3ce929d0e0e4736-xyz",
          "../../etc/passwd",
          "00000000000000000000000000000000-00f067aa0ba902b7"
        }) {
      assertThatThrownBy(() -> ProfileId.parse(bad))
          .as(bad)
          .isInstanceOf(ProfileId.BadRequest.class)
          .hasMessageStartingWith("malformed profile id");
    }
  }
}
