package news.engagement.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import news.engagement.counting.Keys.BucketSize;
import org.junit.jupiter.api.Test;

class WindowTest {
  private static long at(String iso) {
    return Instant.parse(iso).getEpochSecond();
  }

  @Test
  void hourIsTwelveFiveMinuteBucketsEndingWithTheCurrentOne() {
    Instant now = Instant.parse("2026-03-10T00:03:20Z");
    List<Long> starts = Window.HOUR.bucketStarts(now);
    assertThat(starts).hasSize(12);
    assertThat(starts.get(0)).isEqualTo(at("2026-03-10T00:00:00Z"));
    assertThat(starts.get(11)).isEqualTo(at("2026-03-09T23:05:00Z"));
    assertThat(Window.HOUR.start(now)).isEqualTo(Instant.parse("2026-03-09T23:05:00Z"));
  }

  @Test
  void dayAndWeekAreWholeHoursAndMonthIsWholeUtcDays() {
    Instant now = Instant.parse("2026-03-10T00:03:00Z");
    assertThat(Window.DAY.bucketStarts(now)).hasSize(24).startsWith(at("2026-03-10T00:00:00Z"))
        .endsWith(at("2026-03-09T01:00:00Z"));
    assertThat(Window.WEEK.bucketStarts(now)).hasSize(168).startsWith(at("2026-03-10T00:00:00Z"))
        .endsWith(at("2026-03-03T01:00:00Z"));
    assertThat(Window.MONTH.bucketStarts(now)).hasSize(30).startsWith(at("2026-03-10T00:00:00Z"))
        .endsWith(at("2026-02-09T00:00:00Z"));
  }

  @Test
  void coverageIsBetweenWindowMinusOneBucketAndTheFullWindow() {
    for (Window window : Window.values()) {
      Duration full = window.bucket().length().multipliedBy(window.buckets());
      Instant bucketStart = Instant.parse("2026-03-10T00:00:00Z");
      Instant bucketEnd = bucketStart.plus(window.bucket().length()).minusSeconds(1);
      assertThat(Duration.between(window.start(bucketStart), bucketStart))
          .as(window.code()).isEqualTo(full.minus(window.bucket().length()));
      assertThat(Duration.between(window.start(bucketEnd), bucketEnd))
          .as(window.code()).isEqualTo(full.minusSeconds(1));
    }
  }

  @Test
  void trendingBaselineIsTheWholeHoursBeforeTheWindowsFirstHour() {
    Window.Baseline hour = Window.HOUR.baseline(Instant.parse("2026-03-10T00:03:00Z"));
    // The window starts at 23:05, inside hour 23:00, so the baseline ends at 23:00 and never overlaps it.
    assertThat(hour.to()).isEqualTo(Instant.parse("2026-03-09T23:00:00Z"));
    assertThat(hour.from()).isEqualTo(Instant.parse("2026-03-08T23:00:00Z"));
    // No whole UTC day fits in 08T23:00 .. 09T23:00: 24 hours.
    assertThat(hour.units()).hasSize(24).allMatch(u -> u.size() == BucketSize.HOUR)
        .startsWith(new Cover.Unit(BucketSize.HOUR, at("2026-03-08T23:00:00Z")))
        .endsWith(new Cover.Unit(BucketSize.HOUR, at("2026-03-09T22:00:00Z")));

    Window.Baseline day = Window.DAY.baseline(Instant.parse("2026-03-10T12:30:00Z"));
    assertThat(day.to()).isEqualTo(Instant.parse("2026-03-09T13:00:00Z"));
    assertThat(day.length()).isEqualTo(Duration.ofDays(7));
    assertThat(Window.WEEK.trendable()).isFalse();
    assertThat(Window.MONTH.trendable()).isFalse();
  }

  @Test
  void bucketsAreKeptLongerThanTheWindowsAndBaselinesThatReadThem() {
    Instant now = Instant.parse("2026-03-10T12:30:00Z");
    for (Window window : Window.values()) {
      assertThat(window.bucket().retention()).as(window.code())
          .isGreaterThanOrEqualTo(window.bucket().length().multipliedBy(window.buckets()));
      if (window.trendable()) {
        assertThat(BucketSize.HOUR.retention()).as(window.code())
            .isGreaterThan(Duration.between(window.baseline(now).from(), now));
      }
    }
  }

  @Test
  void parsesOnlyTheApiCodes() {
    assertThat(Window.parse("7d")).contains(Window.WEEK);
    assertThat(Window.parse("2h")).isEmpty();
    assertThat(Window.parse("1H")).isEmpty();
    assertThat(Metric.parse("uniques")).contains(Metric.UNIQUES);
    assertThat(Metric.parse("previews")).isEmpty();
  }
}
