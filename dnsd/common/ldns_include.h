// Include ldns through this header only: ldns/common.h #defines true/false/bool unless
// stdbool.h was seen first, which breaks C++ headers included after it.
#pragma once
#include <stdbool.h>  // NOLINT: must precede ldns, sets __bool_true_false_are_defined
#include <ldns/ldns.h>
