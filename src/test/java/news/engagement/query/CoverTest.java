package news.engagement.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.SlotHash;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.query.Cover.Unit;
import org.junit.jupiter.api.Test;

/** Which buckets each window's closed part reads, across UTC hour and day boundaries (pure arithmetic). */
class CoverTest {
  private static long at(String iso) {
    return Instant.parse(iso).getEpochSecond();
  }

  private static Unit unit(BucketSize size, String iso) {
    return new Unit(size, at(iso));
  }

  private static Map<BucketSize, Long> counts(List<Unit> units) {
    return units.stream().collect(Collectors.groupingBy(Unit::size, Collectors.counting()));
  }

  /** The units are contiguous, in order, and span exactly [from, to). */
  private static void assertSpans(List<Unit> units, long from, long to) {
    long t = from;
    for (Unit unit : units) {
      assertThat(unit.start()).isEqualTo(t);
      t = unit.end();
    }
    assertThat(t).isEqualTo(to);
  }

  @Test
  void largestRollUpsThatFitOldestFirst() {
    List<Unit> units = Cover.of(at("2026-03-08T22:50:00Z"), at("2026-03-10T01:10:00Z"));
    assertThat(units).containsExactly(
        unit(BucketSize.FIVE_MINUTES, "2026-03-08T22:50:00Z"), unit(BucketSize.FIVE_MINUTES, "2026-03-08T22:55:00Z"),
        unit(BucketSize.HOUR, "2026-03-08T23:00:00Z"), unit(BucketSize.DAY, "2026-03-09T00:00:00Z"),
        unit(BucketSize.HOUR, "2026-03-10T00:00:00Z"), unit(BucketSize.FIVE_MINUTES, "2026-03-10T01:00:00Z"),
        unit(BucketSize.FIVE_MINUTES, "2026-03-10T01:05:00Z"));
    assertThat(Cover.of(at("2026-03-10T00:00:00Z"), at("2026-03-10T00:00:00Z"))).isEmpty();
    assertThatThrownBy(() -> Cover.of(at("2026-03-10T00:01:00Z"), at("2026-03-10T01:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClosedPartIsTheWindowWithoutTheOpenBucketAndTheOneBefore() {
    long open = at("2026-03-10T00:00:00Z");
    // 1h at 00:00: 23:05 .. 23:55 minus 23:55 (read live with 00:00): ten 5-minute buckets, never an hour.
    List<Unit> hour = Window.HOUR.closedUnits(open);
    assertThat(hour).hasSize(10).allMatch(u -> u.size() == BucketSize.FIVE_MINUTES);
    assertSpans(hour, at("2026-03-09T23:05:00Z"), at("2026-03-09T23:55:00Z"));
    // 24h at 00:00: hours 01..22 of the 9th, then 23:00 .. 23:50 in 5-minute buckets.
    List<Unit> day = Window.DAY.closedUnits(open);
    assertSpans(day, at("2026-03-09T01:00:00Z"), at("2026-03-09T23:55:00Z"));
    assertThat(counts(day)).isEqualTo(Map.of(BucketSize.HOUR, 22L, BucketSize.FIVE_MINUTES, 11L));
    // 24h at 12:35: hours 13:00 of the 9th .. 11:00 of the 10th, then 12:00 .. 12:25.
    List<Unit> noon = Window.DAY.closedUnits(at("2026-03-10T12:35:00Z"));
    assertSpans(noon, at("2026-03-09T13:00:00Z"), at("2026-03-10T12:30:00Z"));
    assertThat(counts(noon)).isEqualTo(Map.of(BucketSize.HOUR, 23L, BucketSize.FIVE_MINUTES, 6L));
  }

  @Test
  void weekAndMonthUseWholeDaysInside() {
    long open = at("2026-03-10T12:35:00Z");
    List<Unit> week = Window.WEEK.closedUnits(open);
    assertSpans(week, at("2026-03-03T13:00:00Z"), at("2026-03-10T12:30:00Z"));
    // 11 hours of the 3rd, the days 4th..9th, 12 hours of the 10th, six 5-minute buckets.
    assertThat(counts(week)).isEqualTo(Map.of(BucketSize.HOUR, 23L, BucketSize.DAY, 6L, BucketSize.FIVE_MINUTES, 6L));
    List<Unit> month = Window.MONTH.closedUnits(open);
    assertSpans(month, at("2026-02-09T00:00:00Z"), at("2026-03-10T12:30:00Z"));
    assertThat(counts(month)).isEqualTo(Map.of(BucketSize.DAY, 29L, BucketSize.HOUR, 12L, BucketSize.FIVE_MINUTES, 6L));
    // Just after midnight yesterday is not whole yet (its last 5 minutes are live): hours and 5-minute buckets.
    List<Unit> midnight = Window.MONTH.closedUnits(at("2026-03-10T00:00:00Z"));
    assertSpans(midnight, at("2026-02-09T00:00:00Z"), at("2026-03-09T23:55:00Z"));
    assertThat(counts(midnight)).isEqualTo(Map.of(BucketSize.DAY, 28L, BucketSize.HOUR, 23L, BucketSize.FIVE_MINUTES, 11L));
  }

  @Test
  void rollUpsAreMadeOfTheirFinerBuckets() {
    Unit hour = unit(BucketSize.HOUR, "2026-03-10T23:00:00Z");
    assertThat(Cover.parts(hour)).hasSize(12).allMatch(u -> u.size() == BucketSize.FIVE_MINUTES);
    assertSpans(Cover.parts(hour), hour.start(), hour.end());
    Unit day = unit(BucketSize.DAY, "2026-03-10T00:00:00Z");
    assertThat(Cover.parts(day)).hasSize(24).allMatch(u -> u.size() == BucketSize.HOUR);
    assertThat(day.marker()).isEqualTo("1d:" + day.start());
    assertThatThrownBy(() -> Cover.parts(unit(BucketSize.FIVE_MINUTES, "2026-03-10T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void uniquesCountTheClosedPartsHllWithBothLiveBuckets() {
    Keys keys = new Keys(Keys.DEFAULT_SHARDS);
    long open = at("2026-03-10T12:35:00Z");
    List<Unit> closed = Window.MONTH.closedUnits(open);
    List<String> hlls = UniquesLists.hlls(keys, "x", Window.MONTH, open, closed);
    assertThat(hlls).hasSize(3 + 29 + 12 + 6).startsWith(keys.closedWindowUniques("x", "30d", open),
        keys.bucketUniques("x", BucketSize.FIVE_MINUTES, at("2026-03-10T12:30:00Z")),
        keys.bucketUniques("x", BucketSize.FIVE_MINUTES, open),
        keys.bucketUniques("x", BucketSize.DAY, at("2026-02-09T00:00:00Z")));
    // One article's keys: one shard, one cluster slot.
    assertThat(hlls.stream().map(k -> SlotHash.getSlot(k)).distinct()).hasSize(1);
  }
}
