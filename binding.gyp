# kastlex_admin: the project's own N-API addon (native/), reaching librdkafka admin calls that
# @platformatic/rdkafka lacks. It links the librdkafka.so.1 that package built (so the process holds
# one librdkafka), found through an $ORIGIN-relative runpath: no LD_LIBRARY_PATH needed.
# Built by `npm ci`/`npm install` (the root "install" script); by hand: `npm run install`.
{
  "targets": [
    {
      "target_name": "kastlex_admin",
      "sources": ["native/addon.cc", "native/admin_calls.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": [
        "-std=c++17", "-fexceptions", "-Wall", "-Wextra",
        "-isystem<!(node native/rdkafka-paths.cjs include)"
      ],
      "libraries": ["<!(node native/rdkafka-paths.cjs library)"],
      "ldflags": ["-Wl,-rpath,'$$ORIGIN/<!(node native/rdkafka-paths.cjs rpath)'"]
    }
  ]
}
