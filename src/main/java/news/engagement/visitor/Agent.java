package news.engagement.visitor;

/** What a User-Agent says about who is asking. */
public enum Agent {
  /** A person's browser (or anything not known to be otherwise): counts. */
  PERSON,
  /** A link-preview fetcher: its view counts as a preview. */
  PREVIEW,
  /** A crawler, monitor, script client or headless browser: does not count. */
  BOT
}
