package io.tokenbroker.bootstrap.deploy;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. Not a parser: it removes what cannot be a metric name (strings, label
 * matchers, range selectors, grouping clauses, numbers, Grafana variables) and keeps the identifiers that are not a
 * function call or a keyword, which is what PromQL's grammar leaves for a bare metric selector.
 */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Pattern LABEL_MATCHER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*"
            + "\"([^\"]*)\"");

    private PromQl() {
    }

    static Set<String> metricNames(String expression) {
        String stripped = expression
                .replaceAll("\\{[^}]*}", " ")                       // label matchers
                .replaceAll("\\[[^]]*]", " ")                       // range selectors, subqueries
                .replaceAll("\"[^\"]*\"", " ")                      // strings
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\w+", " ");                        // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(stripped);
        while (identifier.find()) {
            String name = identifier.group();
            boolean call = stripped.substring(identifier.end()).stripLeading().startsWith("(");
            boolean number = identifier.start() > 0 && Character.isDigit(stripped.charAt(identifier.start() - 1));
            if (!call && !number && !KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }

    /** The {@code le} values an expression matches exactly ({@code le="30.0"}): the bucket must exist. */
    static Set<String> bucketBounds(String expression) {
        Set<String> bounds = new TreeSet<>();
        Matcher matcher = LABEL_MATCHER.matcher(expression);
        while (matcher.find()) {
            if (matcher.group(1).equals("le") && matcher.group(2).equals("=")) {
                bounds.add(matcher.group(3));
            }
        }
        return bounds;
    }
}
