// Starts one HTTP(S) check on a libcurl multi handle driven by the libuv loop.
#pragma once
#include <uv.h>

#include <functional>
#include <string>
#include <string_view>

#include "sentinel/probe/probe.h"

namespace sentinel::probe {

// One CURLM plus its uv timer and per-socket uv_poll handles.
struct HttpMulti;

// nullptr (with *error set) when libcurl cannot be initialised.
HttpMulti* http_multi_new(uv_loop_t* loop, std::string* error);
// Call after every check on it was cancelled or finished; frees as the loop runs.
void http_multi_close(HttpMulti* multi);

// True when the URL's host is an IPv4 or bracketed IPv6 address (no name to look up):
// "http://127.0.0.1:8080/health", "https://[::1]/". False for a name, or when unsure.
bool url_host_is_address(std::string_view url);

// Same contract as start_tcp_probe().
std::function<void()> start_http_probe(HttpMulti* multi, const CheckSpec& spec,
                                       ProbeCallback done, std::string* error);

}  // namespace sentinel::probe
