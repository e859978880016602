// What the Bun runtime inside every executable links statically, as Bun's own license page lists it for Linux.

export interface EmbeddedComponent {
  name: string;
  /** An SPDX license id where the upstream license is one; otherwise the license's name. */
  license: { id: string } | { name: string };
  url: string;
  version?: string;
}

/**
 * From https://bun.sh/docs/project/license (Bun's LICENSE.md), which names no versions but ICU's.
 * Left out: libuv and Tigerbeetle's IO code, which Bun links on Windows only; the JavaScript polyfills,
 * which Bun injects only when a program imports them (rfc868 imports none).
 */
export const BUN_EMBEDS: readonly EmbeddedComponent[] = [
  {
    name: "JavaScriptCore (WebKit, Bun's fork)",
    license: { id: "LGPL-2.0-only" },
    url: "https://github.com/oven-sh/webkit",
  },
  {
    name: "boringssl",
    license: { name: "BoringSSL (OpenSSL, ISC and others)" },
    url: "https://boringssl.googlesource.com/boringssl/",
  },
  { name: "brotli", license: { id: "MIT" }, url: "https://github.com/google/brotli" },
  {
    name: "libarchive",
    license: { name: "libarchive (BSD-2-Clause and others)" },
    url: "https://github.com/libarchive/libarchive",
  },
  { name: "lol-html", license: { id: "BSD-3-Clause" }, url: "https://github.com/cloudflare/lol-html" },
  { name: "ls-hpack", license: { id: "MIT" }, url: "https://github.com/litespeedtech/ls-hpack" },
  { name: "ls-qpack", license: { id: "MIT" }, url: "https://github.com/litespeedtech/ls-qpack" },
  { name: "lsquic", license: { id: "MIT" }, url: "https://github.com/litespeedtech/lsquic" },
  { name: "mimalloc", license: { id: "MIT" }, url: "https://github.com/microsoft/mimalloc" },
  { name: "picohttpparser", license: { name: "Perl License or MIT" }, url: "https://github.com/h2o/picohttpparser" },
  { name: "zstd", license: { name: "BSD-3-Clause or GPL-2.0-only" }, url: "https://github.com/facebook/zstd" },
  { name: "simdutf", license: { id: "Apache-2.0" }, url: "https://github.com/simdutf/simdutf" },
  { name: "tinycc", license: { id: "LGPL-2.1-only" }, url: "https://github.com/tinycc/tinycc" },
  { name: "uSockets", license: { id: "Apache-2.0" }, url: "https://github.com/uNetworking/uSockets" },
  {
    name: "uWebSockets (Bun's fork)",
    license: { id: "Apache-2.0" },
    url: "https://github.com/jarred-sumner/uwebsockets",
  },
  { name: "zlib-ng", license: { id: "Zlib" }, url: "https://github.com/zlib-ng/zlib-ng" },
  { name: "c-ares", license: { id: "MIT" }, url: "https://github.com/c-ares/c-ares" },
  { name: "icu", version: "72", license: { id: "Unicode-3.0" }, url: "https://github.com/unicode-org/icu" },
  { name: "libbase64", license: { id: "BSD-2-Clause" }, url: "https://github.com/aklomp/base64" },
  { name: "libdeflate", license: { id: "MIT" }, url: "https://github.com/ebiggers/libdeflate" },
  {
    name: "libjpeg-turbo",
    license: { name: "BSD-3-Clause, IJG and Zlib" },
    url: "https://github.com/libjpeg-turbo/libjpeg-turbo",
  },
  { name: "libspng", license: { id: "BSD-2-Clause" }, url: "https://github.com/randy408/libspng" },
  { name: "libwebp", license: { id: "BSD-3-Clause" }, url: "https://github.com/webmproject/libwebp" },
  { name: "highway", license: { id: "Apache-2.0" }, url: "https://github.com/google/highway" },
  { name: "uucode", license: { id: "MIT" }, url: "https://github.com/jacobsandlund/uucode" },
  {
    name: "libc++abi (__cxa_thread_atexit fallback)",
    license: { name: "Apache-2.0 WITH LLVM-exception" },
    url: "https://github.com/llvm/llvm-project",
  },
];
