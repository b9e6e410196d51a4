// One call of an AdminHandle (admin_calls.cc, metadata.cc): Run() does the librdkafka work on a libuv
// pool thread and copies its result into plain C++ structs, Result() turns those into JS values on the JS
// thread, and the call's promise is settled with them (or rejected with MakeError). No JS value is ever
// touched off the JS thread.
#pragma once

#include <napi.h>

#include <exception>
#include <string>
#include <utility>

#include "admin.h"

namespace kastlex {

class CallWorker : public Napi::AsyncWorker {
 public:
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  CallWorker(Napi::Env env, const char* name, ClientRef client, int timeout_ms)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        client_(std::move(client)),
        timeout_ms_(timeout_ms) {}

  // Pool thread. The call itself; may Fail() it.
  virtual void Run() = 0;
  // JS thread, after a Run() that did not fail.
  virtual Napi::Value Result(Napi::Env env) = 0;

  void Fail(int code, const std::string& message) {
    failed_ = true;
    code_ = code != 0 ? code : RD_KAFKA_RESP_ERR__FAIL;
    message_ = message.empty() ? std::string(rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(code_))) : message;
  }

  rd_kafka_t* client() const { return client_->get(); }
  int timeout_ms() const { return timeout_ms_; }

 private:
  void Execute() final {
    try {
      Run();
    } catch (const std::exception& error) {  // std::bad_alloc: fail this call, not the process
      Fail(RD_KAFKA_RESP_ERR__FAIL, error.what());
    }
  }

  // JS thread. Settles the promise (instead of OnOK/OnError). While a worker thread is being
  // terminated, node still completes the pool work but the env can no longer run JS, so every napi
  // call fails (as a thrown Napi::Error): nobody can observe the promise then, so give it up rather
  // than let the exception escape into node, which would abort the process.
  void OnWorkComplete(Napi::Env env, napi_status status) final {
    if (status != napi_cancelled) {
      try {
        Napi::HandleScope scope(env);
        Settle(env);
      } catch (...) {
      }
    }
    Destroy();  // delete this: drops our reference to the client
  }

  void Settle(Napi::Env env) {
    if (failed_) return deferred_.Reject(MakeError(env, code_, message_).Value());
    try {
      deferred_.Resolve(Result(env));
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

  Napi::Promise::Deferred deferred_;
  ClientRef client_;  // keeps the rd_kafka_t alive until this call is settled
  const int timeout_ms_;
  bool failed_ = false;
  int code_ = 0;
  std::string message_;
};

// Queues one call and returns its promise; the worker deletes itself once settled.
template <typename Worker, typename... Args>
Napi::Promise Start(Napi::Env env, Args&&... args) {
  auto* worker = new Worker(env, std::forward<Args>(args)...);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace kastlex
