# kastlex_admin: the project's own N-API addon (native/), reaching librdkafka admin calls that
# @platformatic/rdkafka lacks, and a producer that takes a batch of records per call (native/producer.cc).
# It links the librdkafka.so.1 that package built (so the process holds one librdkafka), found through an
# $ORIGIN-relative runpath: no LD_LIBRARY_PATH needed.
# uws: uWebSockets.js built from the sources scripts/uws-source.mjs prepares (with HTTP/1.0 served), on
# Node's own libuv loop and OpenSSL, without HTTP/3; the flags follow upstream's build (-O3, LTO, PROXY).
# Both are built by `npm ci`/`npm install` (the root "install" script); by hand: `npm run install`.
{
  "variables": { "uws": "node_modules/.kastlex-uws" },
  "targets": [
    {
      "target_name": "uws",
      "sources": [
        "<(uws)/uWebSockets/uSockets/src/bsd.c", "<(uws)/uWebSockets/uSockets/src/context.c",
        "<(uws)/uWebSockets/uSockets/src/loop.c", "<(uws)/uWebSockets/uSockets/src/socket.c",
        "<(uws)/uWebSockets/uSockets/src/udp.c", "<(uws)/uWebSockets/uSockets/src/eventing/libuv.c",
        "<(uws)/uWebSockets/uSockets/src/crypto/openssl.c", "<(uws)/uWebSockets/uSockets/src/crypto/sni_tree.cpp",
        "<(uws)/bindings/addon.cpp", "native/uws/no-quic.c"
      ],
      "include_dirs": ["<(uws)/uWebSockets/uSockets/src", "<(uws)/uWebSockets/src"],
      "defines": ["LIBUS_USE_LIBUV", "LIBUS_USE_OPENSSL", "LIBUS_USE_QUIC", "UWS_WITH_PROXY"],
      "cflags": ["-O3", "-flto", "-w"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "ldflags": ["-O3", "-flto"]
    },
    {
      "target_name": "kastlex_admin",
      "sources": ["native/addon.cc", "native/admin_calls.cc", "native/producer.cc", "native/metadata.cc",
                  "native/partition-reader.cc"],
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
