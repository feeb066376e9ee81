import { expect } from "chai";
import { configProblems as problems } from "../../test/support/config-problems";
import { tracingConfig } from "./tracing-config";

/**
 * The variables' meaning is the OpenTelemetry specification's (Environment
 * Variable Specification; OTLP exporter configuration): the base endpoint
 * gets the signal's path "v1/traces", the signal endpoint is used as it is,
 * the default sampler is parentbased_always_on, the ratio defaults to 1.0,
 * and an empty value is unset.
 */
describe("kit: tracing's configuration from the OpenTelemetry variables", () => {
  it("is off with no endpoint, and by default samples parent-based, always on, under the service's own name", () => {
    expect(tracingConfig({}, "cart")).to.deep.equal({ tracesUrl: undefined, sampler: "parentbased_always_on", ratio: 1, serviceName: "cart" });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "" }, "cart").tracesUrl, "empty is unset").to.equal(undefined);
  });

  it("posts to <base>/v1/traces, or to the traces endpoint as given, which wins", () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, "cart").tracesUrl).to.equal("http://collector:4318/v1/traces");
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }, "cart").tracesUrl).to.equal("http://collector:4318/v1/traces");
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/otlp" }, "cart").tracesUrl).to.equal("http://collector:4318/otlp/v1/traces");
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example:4318/custom/path" };
    expect(tracingConfig(both, "cart").tracesUrl).to.equal("https://traces.example:4318/custom/path");
  });

  it("OTEL_SDK_DISABLED=true turns it off whatever else is set", () => {
    expect(tracingConfig({ OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, "cart").tracesUrl).to.equal(undefined);
    expect(tracingConfig({ OTEL_SDK_DISABLED: "false", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, "cart").tracesUrl).to.equal("http://collector:4318/v1/traces");
  });

  it("takes the ratio of the traceidratio samplers from OTEL_TRACES_SAMPLER_ARG, 1 when unset", () => {
    expect(tracingConfig({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" }, "cart")).to.include({ sampler: "parentbased_traceidratio", ratio: 0.25 });
    expect(tracingConfig({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" }, "cart")).to.include({ sampler: "traceidratio", ratio: 0 });
    expect(tracingConfig({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio" }, "cart").ratio).to.equal(1);
    expect(tracingConfig({ OTEL_TRACES_SAMPLER: "always_off", OTEL_TRACES_SAMPLER_ARG: "0.5" }, "cart")).to.include({ sampler: "always_off", ratio: 1 });
  });

  it("names the spans' service by OTEL_SERVICE_NAME when set", () => {
    expect(tracingConfig({ OTEL_SERVICE_NAME: "shop-cart" }, "cart").serviceName).to.equal("shop-cart");
  });

  it("refuses bad values, naming the variable", () => {
    expect(problems(() => tracingConfig({ OTEL_TRACES_SAMPLER: "jaeger_remote" }, "cart"))[0]).to.match(/^OTEL_TRACES_SAMPLER: must be one of always_on, .*parentbased_traceidratio; got "jaeger_remote"$/);
    for (const bad of ["1.5", "-0.1", "half", "10%"]) {
      expect(problems(() => tracingConfig({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: bad }, "cart"))[0], bad).to.match(/^OTEL_TRACES_SAMPLER_ARG: must be a number between 0 and 1/);
    }
    expect(problems(() => tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "cart"))[0]).to.match(/^OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/);
    expect(problems(() => tracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "grpc://collector:4317" }, "cart"))[0]).to.match(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: must be an http\(s\) URL/);
    expect(problems(() => tracingConfig({ OTEL_SDK_DISABLED: "yes" }, "cart"))[0]).to.match(/^OTEL_SDK_DISABLED: must be "true" or "false"/);
    expect(problems(() => tracingConfig({ OTEL_SERVICE_NAME: "has space" }, "cart"))[0]).to.match(/^OTEL_SERVICE_NAME: /);
  });
});
