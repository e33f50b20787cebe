package news.engagement.metadata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import news.engagement.config.Site;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Reads an article page's metadata with jsoup (a real HTML parser): {@code og:title} (else
 * {@code <title>}), {@code link rel=canonical} (only on the site's own origins, else the page's own
 * address), {@code article:section}, {@code article:author} (several), {@code article:published_time}
 * and {@code og:image}. Runs on a worker thread: parsing a page is too slow for an event loop.
 */
final class PageReader {
  private PageReader() {
  }

  /**
   * {@code pageUrl} is where the HTML was fetched from (after redirects): relative links resolve against it.
   * {@code charset} is the one the response named, or null to let the parser find it (BOM, meta, UTF-8).
   */
  static Fields read(byte[] body, String charset, String pageUrl, Site site) {
    Document doc;
    try {
      doc = Jsoup.parse(new ByteArrayInputStream(body), charset, pageUrl);
    } catch (IOException | IllegalArgumentException e) {
      // An unknown charset name: read it as UTF-8, like a browser would fall back.
      doc = Jsoup.parse(new String(body, StandardCharsets.UTF_8), pageUrl);
    }
    String title = Fields.clean(meta(doc, "og:title"), Fields.MAX_TITLE);
    if (title == null) {
      title = Fields.clean(doc.title(), Fields.MAX_TITLE);
    }
    String canonical = null;
    Element link = doc.selectFirst("link[rel=canonical][href]");
    if (link != null) {
      canonical = Fields.httpUrl(link.absUrl("href"));
    }
    if (canonical == null || !site.owns(canonical)) {
      canonical = Fields.httpUrl(pageUrl);
    }
    List<String> authors = new ArrayList<>();
    for (Element author : doc.select("meta[property=article:author][content]")) {
      String name = Fields.clean(author.attr("content"), Fields.MAX_AUTHOR);
      if (name != null && !authors.contains(name) && authors.size() < Fields.MAX_AUTHORS) {
        authors.add(name);
      }
    }
    Element image = doc.selectFirst("meta[property=og:image][content]");
    return new Fields(title, canonical, Fields.clean(meta(doc, "article:section"), Fields.MAX_SECTION), authors,
        time(meta(doc, "article:published_time")), image == null ? null : Fields.httpUrl(image.absUrl("content")));
  }

  private static String meta(Document doc, String property) {
    Element meta = doc.selectFirst("meta[property=" + property + "][content]");
    return meta == null ? null : meta.attr("content");
  }

  /** ISO 8601 as pages write it: an instant, a time with offset, or a date (midnight UTC); else null. */
  static Instant time(String text) {
    if (text == null || text.length() > 64) {
      return null;
    }
    String t = text.trim();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // not with an offset; try the other forms
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // not an instant
    }
    try {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
