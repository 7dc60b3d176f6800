#include "module/args.h"

#include <cmath>

namespace isorun::args {

void ThrowType(Napi::Env env, const std::string& message) { throw Napi::TypeError::New(env, message); }

void ThrowRange(Napi::Env env, const std::string& message) { throw Napi::RangeError::New(env, message); }

Napi::String String(const Napi::CallbackInfo& info, size_t index, const std::string& what) {
  if (info.Length() <= index || !info[index].IsString()) ThrowType(info.Env(), what + " must be a string");
  return info[index].As<Napi::String>();
}

Napi::Object OptionalOptions(const Napi::CallbackInfo& info, size_t index, const std::string& method) {
  if (info.Length() <= index || info[index].IsUndefined()) return Napi::Object();
  if (!info[index].IsObject() || info[index].IsFunction()) {
    ThrowType(info.Env(), method + ": 'options' must be an object");
  }
  return info[index].As<Napi::Object>();
}

Napi::Object Options(const Napi::CallbackInfo& info, size_t index, const std::string& method) {
  Napi::Object options = OptionalOptions(info, index, method);
  return options.IsEmpty() ? Napi::Object::New(info.Env()) : options;
}

Napi::Value Option(Napi::Object options, const char* key) {
  // An empty Napi::Value reads as undefined.
  return options.IsEmpty() ? Napi::Value() : options.Get(key);
}

bool Bool(Napi::Object options, const char* key, const std::string& what) {
  Napi::Value value = Option(options, key);
  if (value.IsUndefined()) return false;
  if (!value.IsBoolean()) ThrowType(options.Env(), what + " option '" + key + "' must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

uint64_t Timeout(Napi::Object options, const std::string& what) {
  Napi::Value value = Option(options, "timeout");
  if (value.IsUndefined()) return 0;
  if (!value.IsNumber()) ThrowType(options.Env(), what + " option 'timeout' must be a number");
  double ms = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(ms) || ms < 0 || ms > 2147483647.0) {
    ThrowRange(options.Env(), what + " option 'timeout' must be a number of milliseconds from 0 to 2147483647");
  }
  return uint64_t(std::ceil(ms));
}

}  // namespace isorun::args
