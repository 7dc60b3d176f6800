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
// "<method>: 'options' must be an object" when the argument is present but not an object. Absent, it is an
// empty handle for the methods called once per engine call (run, apply: no object made, no property
// looked up), and an empty object for the rest.
Napi::Object OptionalOptions(const Napi::CallbackInfo& info, size_t index, const std::string& method);
Napi::Object Options(const Napi::CallbackInfo& info, size_t index, const std::string& method);
// `options[key]`; undefined for an empty `options` handle (no options given).
Napi::Value Option(Napi::Object options, const char* key);
bool Bool(Napi::Object options, const char* key, const std::string& what);
// Milliseconds; 0 (or absent) means no deadline.
uint64_t Timeout(Napi::Object options, const std::string& what);

}  // namespace isorun::args
