package news.engagement.config;

/** A configuration value that cannot be used; the message names the variable. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String variable, String value, String expected) {
    super(variable + "=" + value + " is not valid: expected " + expected);
  }

  /** For secrets: the message names the variable and what is wrong, never the value. */
  public ConfigException(String variable, String problem) {
    super(variable + " " + problem);
  }
}
