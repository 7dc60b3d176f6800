#include "transfer/error_copy.h"

namespace isorun {

namespace {

v8::Local<v8::String> NewString(v8::Isolate* isolate, const std::string& text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, int(text.size()))
      .FromMaybe(v8::String::Empty(isolate));
}

// String value of `value`, or `fallback` when converting throws or is terminated.
std::string SafeString(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                       const std::string& fallback) {
  if (isolate->IsExecutionTerminating()) return fallback;
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::String> string;
  if (!value->ToString(context).ToLocal(&string)) return fallback;
  v8::String::Utf8Value utf8(isolate, string);
  return *utf8 == nullptr ? fallback : std::string(*utf8, size_t(utf8.length()));
}

// An own or inherited string property, without running anything but plain getters.
bool ReadStringProperty(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                        const char* key, std::string* out) {
  if (isolate->IsExecutionTerminating()) return false;
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> value;
  if (!object->Get(context, v8::String::NewFromUtf8(isolate, key).ToLocalChecked()).ToLocal(&value)) return false;
  if (!value->IsString()) return false;
  v8::String::Utf8Value utf8(isolate, value);
  if (*utf8 == nullptr) return false;
  out->assign(*utf8, size_t(utf8.length()));
  return true;
}

}  // namespace

std::unique_ptr<ErrorCopy> ErrorCopy::Capture(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                              v8::Local<v8::Value> exception, v8::Local<v8::Message> message) {
  std::string name = "Error";
  std::string text;
  std::string stack;
  if (exception->IsObject()) {
    v8::Local<v8::Object> object = exception.As<v8::Object>();
    bool has_message = ReadStringProperty(isolate, context, object, "message", &text);
    ReadStringProperty(isolate, context, object, "name", &name);
    if (exception->IsNativeError()) {
      ReadStringProperty(isolate, context, object, "stack", &stack);
    } else if (!has_message) {
      text = SafeString(isolate, context, exception, "[object]");
    }
  } else {
    // `throw 1`, `throw null`: an Error whose message is the thrown value.
    text = SafeString(isolate, context, exception, "Uncaught exception");
  }
  auto copy = std::make_unique<ErrorCopy>(name, text, stack);
  if (!message.IsEmpty() && name == "SyntaxError" && stack.find("\n") == std::string::npos) {
    // V8 puts a syntax error's location in the message, not the stack: keep it.
    std::string file = SafeString(isolate, context, message->GetScriptResourceName(), "<anonymous>");
    copy->line_ = message->GetLineNumber(context).FromMaybe(0);
    copy->column_ = message->GetStartColumn(context).FromMaybe(0) + 1;
    copy->stack_ = name + ": " + text + "\n    at " + file + ":" + std::to_string(copy->line_) + ":" +
                   std::to_string(copy->column_);
  }
  return copy;
}

v8::MaybeLocal<v8::Value> ErrorCopy::TransferIn(const TransferTarget& target) {
  v8::Isolate* isolate = target.isolate;
  v8::Local<v8::String> text = NewString(isolate, message_);
  v8::Local<v8::Value> error;
  if (name_ == "TypeError") {
    error = v8::Exception::TypeError(text);
  } else if (name_ == "RangeError") {
    error = v8::Exception::RangeError(text);
  } else if (name_ == "SyntaxError") {
    error = v8::Exception::SyntaxError(text);
  } else if (name_ == "ReferenceError") {
    error = v8::Exception::ReferenceError(text);
  } else {
    error = v8::Exception::Error(text);
  }
  v8::Local<v8::Object> object = error.As<v8::Object>();
  auto set = [&](const char* key, v8::Local<v8::Value> value) {
    object->CreateDataProperty(target.context, v8::String::NewFromUtf8(isolate, key).ToLocalChecked(), value)
        .FromMaybe(false);
  };
  if (name_ != "Error" && name_ != "TypeError" && name_ != "RangeError" && name_ != "SyntaxError" &&
      name_ != "ReferenceError") {
    set("name", NewString(isolate, name_));
  }
  if (!stack_.empty()) {
    v8::Local<v8::Object> error_object = object;
    error_object
        ->DefineOwnProperty(target.context, v8::String::NewFromUtf8Literal(isolate, "stack"),
                            NewString(isolate, stack_), v8::DontEnum)
        .FromMaybe(false);
  }
  if (line_ > 0) {
    set("lineNumber", v8::Integer::New(isolate, line_));
    set("columnNumber", v8::Integer::New(isolate, column_));
  }
  return error;
}

std::unique_ptr<ErrorCopy> TimeoutError() {
  return std::make_unique<ErrorCopy>("Error", "Script execution timed out.");
}

std::unique_ptr<ErrorCopy> MemoryLimitError() {
  return std::make_unique<ErrorCopy>("RangeError", "Isolate was disposed during execution due to memory limit");
}

std::unique_ptr<ErrorCopy> DisposedErrorCopy(const char* message) {
  return std::make_unique<ErrorCopy>("Error", message);
}

}  // namespace isorun
