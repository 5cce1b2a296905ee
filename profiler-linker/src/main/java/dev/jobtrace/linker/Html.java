package dev.jobtrace.linker;

/** Text into HTML: everything from a trace is shown as text, never as markup. */
final class Html {
  private Html() {}

  static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '&':
          out.append("&amp;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          out.append(c);
      }
    }
    return out.toString();
  }

  static String page(String title, String body) {
    return "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        + text(title)
        + "</title>"
        + "<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}"
        + "td,th{padding:2px 10px;text-align:left;vertical-align:top}th{color:#555;font-weight:normal}"
        + ".error{color:#a00}.finding{margin:4px 0}code{background:#f3f3f3;padding:1px 4px}"
        + "iframe{width:100%;height:70vh;border:1px solid #ccc}</style></head><body>"
        + body
        + "</body></html>";
  }
}
