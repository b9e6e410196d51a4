// Argument checks shared by the addon's classes: a bad argument throws (code ERR__INVALID_ARG) rather
// than crash; the TS wrappers validate first.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "admin.h"

namespace kastlex {

constexpr int kMaxTimeoutMs = 3600 * 1000;  // librdkafka's limit for request_timeout
// Kafka's limits on names (the gateway checks them first; a name that slips through is refused here).
constexpr size_t kMaxTopicBytes = 249;
constexpr size_t kMaxGroupIdBytes = 255;

[[noreturn]] inline void ThrowInvalid(Napi::Env env, const std::string& message) {
  throw MakeError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, message);
}

inline int64_t IntegerArg(Napi::Env env, const Napi::Value& value, const char* name, double min, double max) {
  if (!value.IsNumber()) ThrowInvalid(env, std::string(name) + " must be a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < min || number > max) {
    ThrowInvalid(env, std::string(name) + " is out of range");
  }
  return static_cast<int64_t>(number);
}

inline int TimeoutArg(const Napi::CallbackInfo& info, size_t index) {
  return static_cast<int>(IntegerArg(info.Env(), info[index], "timeoutMs", 1, kMaxTimeoutMs));
}

inline std::string StringArg(Napi::Env env, const Napi::Value& value, const char* name, size_t max_bytes) {
  if (!value.IsString()) ThrowInvalid(env, std::string(name) + " must be a string");
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.empty() || text.find('\0') != std::string::npos) ThrowInvalid(env, std::string(name) + " is empty or has NUL");
  if (text.size() > max_bytes) ThrowInvalid(env, std::string(name) + " is longer than " + std::to_string(max_bytes) + " bytes");
  return text;
}

// A configuration from { name: value } of strings; the caller owns it.
inline rd_kafka_conf_t* Configuration(Napi::Env env, const Napi::Value& argument) {
  if (!argument.IsObject()) ThrowInvalid(env, "properties must be an object");
  Napi::Object properties = argument.As<Napi::Object>();
  Napi::Array names = properties.GetPropertyNames();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512] = "";
  for (uint32_t i = 0; i < names.Length(); i++) {
    Napi::Value name = names.Get(i);
    Napi::Value value = properties.Get(name);
    if (!name.IsString() || !value.IsString()) {
      rd_kafka_conf_destroy(conf);
      ThrowInvalid(env, "property values must be strings");
    }
    const std::string key = name.As<Napi::String>().Utf8Value();
    if (rd_kafka_conf_set(conf, key.c_str(), value.As<Napi::String>().Utf8Value().c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      ThrowInvalid(env, errstr);
    }
  }
  return conf;
}

}  // namespace kastlex
