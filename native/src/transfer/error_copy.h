// Errors crossing isolates: name, message and stack captured in one isolate, rebuilt as an Error in another.
#pragma once

#include <memory>
#include <string>

#include "transfer/transferable.h"

namespace isorun {

class ErrorCopy : public Transferable {
 public:
  ErrorCopy(std::string name, std::string message, std::string stack = "")
      : name_(std::move(name)), message_(std::move(message)), stack_(std::move(stack)) {}

  // Describes a thrown value. Reading an Error's properties can run guest getters, so call this
  // while the run's deadline is armed. `message` (optional) adds the location of syntax errors.
  static std::unique_ptr<ErrorCopy> Capture(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                            v8::Local<v8::Value> exception, v8::Local<v8::Message> message);

  v8::MaybeLocal<v8::Value> TransferIn(const TransferTarget& target) override;

  const std::string& name() const { return name_; }
  const std::string& message() const { return message_; }

 private:
  std::string name_;
  std::string message_;
  std::string stack_;
  int line_ = 0;
  int column_ = 0;
};

std::unique_ptr<ErrorCopy> TimeoutError();
std::unique_ptr<ErrorCopy> MemoryLimitError();
std::unique_ptr<ErrorCopy> DisposedErrorCopy(const char* message = "Isolate is disposed");

}  // namespace isorun
