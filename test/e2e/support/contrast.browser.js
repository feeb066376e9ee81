// Runs inside the page (contrast.ts reads this file and evaluates it there):
// plain JavaScript, so no TypeScript transform can add helpers the page lacks.
// One expression: a function returning { checked, failures }.
(() => {
  const parse = (value) => {
    const parts = (/rgba?\(([^)]+)\)/.exec(value)?.[1] ?? "0 0 0 0").split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
  };
  const luminance = ([r, g, b]) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const backgroundOf = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const layer = parse(getComputedStyle(node).backgroundColor);
      if (layer[3] > 0) layers.push(layer);
      if (layer[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const css = ([r, g, b]) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
  const failures = [];
  let checked = 0;
  for (const element of document.body.querySelectorAll("*")) {
    const ownText = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent ?? "")
      .join("")
      .trim();
    if (!ownText || element.closest("svg, noscript, option")) continue;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (style.visibility !== "visible" || box.width <= 1 || box.height <= 1 || element.closest("[hidden]")) continue;
    checked++;
    const background = backgroundOf(element);
    const color = over(parse(style.color), background);
    const [light, dark] = [luminance(color), luminance(background)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const required = large ? 3 : 4.5;
    if (ratio < required) failures.push({ text: ownText.slice(0, 60), ratio: Math.round(ratio * 100) / 100, required, color: css(color), background: css(background) });
  }
  return { checked, failures };
})
