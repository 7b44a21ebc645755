// Pieces of the Prometheus text exposition format 0.0.4 shared by dnsd's and sentinel's
// /metrics renderers.
#pragma once
#include <string>
#include <string_view>

namespace dnsd::common {

// A label value as the format wants it: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view v);

// A sample value: the shortest text that reads back as the same double (integers exactly,
// plain decimals such as "0.0005" where they stay short), "+Inf"/"-Inf"/"NaN".
std::string sample_value(double v);

// The "# HELP name help" and "# TYPE name type" lines that open a metric family.
void append_family_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help);

}  // namespace dnsd::common
