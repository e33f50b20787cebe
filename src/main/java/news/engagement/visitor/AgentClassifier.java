package news.engagement.visitor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Classifies User-Agents with the lists in {@code agents.txt}. Results are cached, since a site sees
 * the same few thousand User-Agent strings over and over; the cache is bounded.
 */
public final class AgentClassifier {
  private static final int CACHE_LIMIT = 50_000;
  private static final int MAX_UA_LENGTH = 512;

  private final List<String> previews;
  private final List<String> bots;
  private final Map<String, Agent> cache = new ConcurrentHashMap<>();

  AgentClassifier(List<String> previews, List<String> bots) {
    this.previews = lower(previews);
    this.bots = lower(bots);
  }

  /** The classifier with the lists shipped in the jar. */
  public static AgentClassifier standard() {
    try (InputStream in = AgentClassifier.class.getResourceAsStream("/news/engagement/visitor/agents.txt");
         BufferedReader reader = new BufferedReader(new InputStreamReader(
             Objects.requireNonNull(in, "agents.txt"), StandardCharsets.UTF_8))) {
      List<String> previews = new ArrayList<>();
      List<String> bots = new ArrayList<>();
      List<String> section = null;
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        switch (line) {
          case "[preview]" -> section = previews;
          case "[bot]" -> section = bots;
          default -> Objects.requireNonNull(section, "pattern before a section in agents.txt").add(line);
        }
      }
      return new AgentClassifier(previews, bots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A missing or empty User-Agent is a script client: browsers always send one. */
  public Agent classify(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return Agent.BOT;
    }
    String ua = userAgent.length() > MAX_UA_LENGTH ? userAgent.substring(0, MAX_UA_LENGTH) : userAgent;
    Agent cached = cache.get(ua);
    if (cached != null) {
      return cached;
    }
    Agent agent = match(ua.toLowerCase(Locale.ROOT));
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(ua, agent);
    return agent;
  }

  private Agent match(String ua) {
    for (String p : previews) {
      if (ua.contains(p)) {
        return Agent.PREVIEW;
      }
    }
    for (String b : bots) {
      if (ua.contains(b)) {
        return Agent.BOT;
      }
    }
    return Agent.PERSON;
  }

  private static List<String> lower(List<String> patterns) {
    return patterns.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
  }
}
