/**
 * The parts of @grafana/grafana-foundation-sdk the dashboards use, under one import.
 *
 * The SDK publishes its modules only through package.json `exports` ("…/dashboard"), which the
 * project's `moduleResolution: node` does not read. Node (and jest) do, so the runtime values are
 * required through the public subpaths, and their types are taken from the same files under dist/.
 */
import type * as dashboardT from "@grafana/grafana-foundation-sdk/dist/dashboard";
import type * as commonT from "@grafana/grafana-foundation-sdk/dist/common";
import type * as cogT from "@grafana/grafana-foundation-sdk/dist/cog";
import type * as prometheusT from "@grafana/grafana-foundation-sdk/dist/prometheus";
import type * as lokiT from "@grafana/grafana-foundation-sdk/dist/loki";
import type * as timeseriesT from "@grafana/grafana-foundation-sdk/dist/timeseries";
import type * as statT from "@grafana/grafana-foundation-sdk/dist/stat";
import type * as tableT from "@grafana/grafana-foundation-sdk/dist/table";
import type * as heatmapT from "@grafana/grafana-foundation-sdk/dist/heatmap";
import type * as logsT from "@grafana/grafana-foundation-sdk/dist/logs";
import type * as bargaugeT from "@grafana/grafana-foundation-sdk/dist/bargauge";
import type * as nodegraphT from "@grafana/grafana-foundation-sdk/dist/nodegraph";

/* eslint-disable @typescript-eslint/no-require-imports */
export const dashboard: typeof dashboardT = require("@grafana/grafana-foundation-sdk/dashboard");
export const common: typeof commonT = require("@grafana/grafana-foundation-sdk/common");
export const prometheus: typeof prometheusT = require("@grafana/grafana-foundation-sdk/prometheus");
export const loki: typeof lokiT = require("@grafana/grafana-foundation-sdk/loki");
export const timeseries: typeof timeseriesT = require("@grafana/grafana-foundation-sdk/timeseries");
export const stat: typeof statT = require("@grafana/grafana-foundation-sdk/stat");
export const table: typeof tableT = require("@grafana/grafana-foundation-sdk/table");
export const heatmap: typeof heatmapT = require("@grafana/grafana-foundation-sdk/heatmap");
export const logs: typeof logsT = require("@grafana/grafana-foundation-sdk/logs");
export const bargauge: typeof bargaugeT = require("@grafana/grafana-foundation-sdk/bargauge");
export const nodegraph: typeof nodegraphT = require("@grafana/grafana-foundation-sdk/nodegraph");
/* eslint-enable @typescript-eslint/no-require-imports */

export type { dashboardT, commonT, cogT, prometheusT, lokiT };
