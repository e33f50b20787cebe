package news.engagement.presence;

/** A person seen on an article at a moment: by a counted view, or by a ping with its engaged seconds. */
record Sighting(String article, String visitor, long atMillis, int engagedSeconds, boolean ping) {
}
