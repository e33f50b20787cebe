package news.engagement.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cache holds at most its capacity, and an article read since it came outlives one that was not. */
class ArticleCacheTest {
  @Test
  void pastItsCapacityTheCacheDropsUnreadArticlesFirstAndNeverGrows() {
    ArticleCache cache = new ArticleCache(100);
    for (int i = 0; i < 100; i++) {
      cache.put("a-" + i, Known.NOTHING, i, 0);
    }
    for (int i = 0; i < 100; i += 2) {
      assertThat(cache.get("a-" + i)).isNotNull(); // the even ones are read
    }
    for (int i = 100; i < 150; i++) {
      cache.put("a-" + i, Known.NOTHING, i, 0);
      assertThat(cache.size()).isLessThanOrEqualTo(100);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(cache.get("a-" + i) != null).as("a-" + i).isEqualTo(i % 2 == 0);
    }
    for (int i = 0; i < 10_000; i++) {
      cache.put("junk-" + i, Known.NOTHING, i, 0);
    }
    assertThat(cache.size()).isEqualTo(100);
  }

  @Test
  void aWriteReplacesWhatIsHeldForThatArticle() {
    ArticleCache cache = new ArticleCache(10);
    cache.put("a", Known.NOTHING, 1, 0);
    cache.put("a", Known.NOTHING, 2, 3);
    assertThat(cache.get("a").recheckAt()).isEqualTo(2);
    assertThat(cache.get("a").failures()).isEqualTo(3);
    assertThat(cache.size()).isEqualTo(1);
  }
}
