// V8's foreground tasks for a guest: queued on its Environment, run only under the guest's lock.
#pragma once

#include <memory>

#include <node.h>
#include <v8-platform.h>

namespace isorun {

// Where a guest's platform tasks go; implemented by Environment.
class PlatformTaskSink {
 public:
  virtual ~PlatformTaskSink() = default;
  virtual void PostPlatformTask(std::unique_ptr<v8::Task> task, double delay_seconds) = 0;
};

class GuestTaskRunner : public v8::TaskRunner {
 public:
  explicit GuestTaskRunner(std::weak_ptr<PlatformTaskSink> sink) : sink_(std::move(sink)) {}

  void PostTask(std::unique_ptr<v8::Task> task) override;
  void PostNonNestableTask(std::unique_ptr<v8::Task> task) override;
  void PostDelayedTask(std::unique_ptr<v8::Task> task, double delay_in_seconds) override;
  void PostNonNestableDelayedTask(std::unique_ptr<v8::Task> task, double delay_in_seconds) override;
  void PostIdleTask(std::unique_ptr<v8::IdleTask> task) override;
  bool IdleTasksEnabled() override { return false; }
  bool NonNestableTasksEnabled() const override { return true; }
  bool NonNestableDelayedTasksEnabled() const override { return true; }

 private:
  // Weak: V8 may post from background threads after the guest is gone; such tasks are dropped.
  std::weak_ptr<PlatformTaskSink> sink_;
};

class GuestPlatformDelegate : public node::IsolatePlatformDelegate {
 public:
  explicit GuestPlatformDelegate(std::shared_ptr<GuestTaskRunner> runner) : runner_(std::move(runner)) {}
  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner() override { return runner_; }
  bool IdleTasksEnabled() override { return false; }

 private:
  std::shared_ptr<GuestTaskRunner> runner_;
};

}  // namespace isorun
