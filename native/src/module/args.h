// Argument checks for every JS-facing method: a TypeError or RangeError that names the argument.
#pragma once

#include <cstdint>
#include <string>

#include <napi.h>

namespace isorun::args {

[[noreturn]] void ThrowType(Napi::Env env, const std::string& message);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& message);

// `what` reads like "compileScript: 'code'".
Napi::String String(const Napi::CallbackInfo& info, size_t index, const std::string& what);
// Empty object when the argument is undefined; TypeError when it is present but not an object.
Napi::Object Options(const Napi::CallbackInfo& info, size_t index, const std::string& what);
// The same for methods called once per engine call (run, apply): an absent argument gives an empty
// handle (no object made, no property looked up), and the message "<method>: 'options' must be an
// object" is composed only when thrown.
Napi::Object OptionalOptions(const Napi::CallbackInfo& info, size_t index, const std::string& method);
// An empty `options` handle reads as "no options": false, and 0 for the timeout.
bool Bool(Napi::Object options, const char* key, const std::string& what);
// Milliseconds; 0 (or absent) means no deadline.
uint64_t Timeout(Napi::Object options, const std::string& what);

}  // namespace isorun::args
