package news.engagement.presence;

/**
 * A person seen on an article at a moment: by a counted view, or by a ping with its engaged seconds and
 * the deepest share of the article scrolled (0..100; 0 for views, which carry no depth).
 */
record Sighting(String article, String visitor, long atMillis, int engagedSeconds, boolean ping, int depth) {
}
