// loopback.cjs: preload (node -r ./loopback.cjs …) that makes every TCP
// listener in the process bind to the loopback interface only.
//
// @modelcontextprotocol/server-everything calls app.listen(PORT), which binds
// all interfaces. Tests must not expose it, so we patch net.Server#listen
// (http.Server inherits it) to add a host whenever the caller gave none.
//
// Environment:
//   LOOPBACK_HOST       address to bind (default 127.0.0.1)
//   LOOPBACK_REPORT_FD  if set, an open file descriptor: each listener writes
//                       one JSON line {"address":"127.0.0.1","port":N} to it
//                       once it is listening. With PORT=0 this lets the
//                       caller learn the port without racing for a free one.
"use strict";

const fs = require("node:fs");
const net = require("node:net");

const host = process.env.LOOPBACK_HOST || "127.0.0.1";
const reportFD = process.env.LOOPBACK_REPORT_FD ? Number(process.env.LOOPBACK_REPORT_FD) : undefined;
const origListen = net.Server.prototype.listen;

function isPort(v) {
  return typeof v === "number" || (typeof v === "string" && /^\d+$/.test(v));
}

function report() {
  const a = this.address();
  if (reportFD === undefined || a === null || typeof a !== "object") return;
  try {
    fs.writeSync(reportFD, JSON.stringify({ address: a.address, port: a.port }) + "\n");
  } catch (err) {
    console.error("loopback.cjs: cannot report the listening address:", err);
  }
}

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    // listen(options[, cb]): TCP only when there is no path or handle.
    if (first.path === undefined && first.fd === undefined && first._handle === undefined &&
        first.handle === undefined && first.host === undefined) {
      args[0] = { ...first, host };
    }
  } else if (args.length === 0 || first == null || typeof first === "function" || isPort(first)) {
    // listen([port][, host][, backlog][, cb]): insert host unless one is given.
    if (args.length === 0 || typeof first === "function") args.unshift(0);
    if (typeof args[1] !== "string") args.splice(1, 0, host);
  }
  this.once("listening", report);
  return origListen.apply(this, args);
};
