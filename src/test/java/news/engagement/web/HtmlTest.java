package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesEveryCharacterThatCouldOpenMarkupOrCloseAnAttribute() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void leavesPlainTextAlone() {
    assertThat(Html.escape("news.example:8080 – Views")).isEqualTo("news.example:8080 – Views");
  }
}
