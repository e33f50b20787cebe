package news.engagement.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArticleIdsTest {
  @Test
  void equalIdsShareOneInstance() {
    ArticleIds ids = new ArticleIds();
    String first = ids.of(new String("article-1"));
    String again = ids.of(new String("article-1"));
    assertThat(again).isSameAs(first).isEqualTo("article-1");
    assertThat(ids.of(new String("article-2"))).isNotSameAs(first).isEqualTo("article-2");
  }

  @Test
  void junkIdsNeverGrowTheTablePastItsBound() {
    ArticleIds ids = new ArticleIds();
    for (int i = 0; i < 3 * ArticleIds.MAX_IDS; i++) {
      assertThat(ids.of("junk-" + i)).isEqualTo("junk-" + i);
      assertThat(ids.size()).isLessThanOrEqualTo(ArticleIds.MAX_IDS);
    }
  }
}
