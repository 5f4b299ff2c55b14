// Map: country outlines from Natural Earth (world-atlas TopoJSON, served locally), an optional
// tile layer, and clustered markers from /api/map coloured by kind; a country-level place or
// event (its feature's "area": the ISO 3166-1 numeric id of its outline) is drawn as the
// country's area, filled translucent. A date range (two range inputs over /api/map/days)
// reloads the events that happened in it. Popups are built with DOM calls (textContent),
// never from HTML strings, so stored text cannot inject markup.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const map = L.map("map", {worldCopyJump: true, attributionControl: true, minZoom: 2, maxZoom: 12}).setView([38, 66], 4);
  map.attributionControl.setPrefix(false);
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, {maxZoom: 18, attribution: cfg.tileAttribution}).addTo(map);
  }
  const status = document.getElementById("map-status");

  // The country outlines, and each country's feature by its ISO 3166-1 numeric id (the
  // areas drawn for country-level places and events reuse them).
  let outlineLayer = null;
  const outlines = fetch(cfg.countries).then(function (r) { return r.json(); }).then(function (topo) {
    const countries = topojson.feature(topo, topo.objects.countries);
    // Natural Earth's Antarctica and the polygons that cross the antimeridian (Russia, Fiji)
    // would draw as bands across a Mercator map: drop the first, shift the west half of the
    // others by 360 degrees.
    countries.features = countries.features.filter(function (f) { return f.id !== "010"; });
    outlineLayer = L.geoJSON(countries, {
      coordsToLatLng: function (c) { return L.latLng(c[1], c[0]); },
      onEachFeature: function () {},
      filter: function (f) { shiftIfCrossing(f.geometry); return true; },
      style: {color: "#888", weight: 0.6, fillColor: "#eef0ea", fillOpacity: cfg.tileUrl ? 0 : 1},
      interactive: false,
    }).addTo(map).bringToBack();
    map.attributionControl.addAttribution(cfg.messages.attribution);
    const byId = {};
    countries.features.forEach(function (f) { if (f.id) byId[f.id] = f; });
    return byId;
  }).catch(function () { return {}; });  // without outlines every feature is a pin

  function shiftIfCrossing(geometry) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    polygons.forEach(function (rings) {
      let east = false, west = false;
      rings.forEach(function (ring) { ring.forEach(function (p) { if (p[0] > 170) east = true; if (p[0] < -170) west = true; }); });
      if (east && west) {
        rings.forEach(function (ring) { ring.forEach(function (p) { if (p[0] < 0) p[0] += 360; }); });
      }
    });
  }

  const palette = ["#e15759", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#86bcb6", "#d37295"];
  function colourOf(category) {
    if (cfg.colours[category]) return cfg.colours[category];
    let sum = 0;
    for (const ch of category) sum += ch.codePointAt(0);
    return palette[sum % palette.length];
  }

  // A publication day in the interface language ("July 8, 2021", "8 июля 2021 г."), as the
  // server's templates write it (both from CLDR); the ISO day when the browser cannot.
  const dayFormat = new Intl.DateTimeFormat(cfg.lang || "en", {dateStyle: "long", timeZone: "UTC"});
  function day(iso) {
    const d = new Date(String(iso).slice(0, 10) + "T00:00:00Z");
    return isNaN(d.getTime()) ? String(iso) : dayFormat.format(d);
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function evidenceItem(ev) {
    const li = el("li");
    const a = el("a", ev.title || ev.article_id, "evidence-link");
    a.href = "/articles/" + encodeURIComponent(ev.article_id) + "?rev=" + ev.revision_id +
      "&hl=" + ev.start + "-" + ev.end + "#hl";
    li.appendChild(a);
    if (ev.published) li.appendChild(el("span", " · " + day(ev.published), "meta"));
    if (ev.sentence) li.appendChild(el("q", ev.sentence));
    return li;
  }

  function popupFor(p) {
    const box = el("div", null, "popup");
    box.appendChild(el("b", p.name));
    box.appendChild(el("span", " " + (p.kind === "event" ? p.category : (p.country_code || "")), "meta"));
    box.appendChild(el("div", cfg.messages.mentions + ": " + p.mentions + " · " +
      cfg.messages.articles + ": " + p.articles, "meta"));
    const list = el("ul", null, "evidence");
    if (p.evidence) list.appendChild(evidenceItem(p.evidence));
    box.appendChild(list);
    if (p.kind === "place" && p.mentions > 1) {
      const more = el("button", cfg.messages.more, "link");
      more.type = "button";
      more.addEventListener("click", function () {
        fetch(cfg.evidence.replace("{key}", encodeURIComponent(p.key)))
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.replaceChildren.apply(list, data.mentions.map(evidenceItem));
            more.remove();
          });
      });
      box.appendChild(more);
    }
    return box;
  }

  function classOf(p) {
    return "nw-" + p.kind + "-" + String(p.key).replace(/[^A-Za-z0-9]/g, "-");
  }

  function memberItem(p) {
    // One place or event type of a country area: what, how often, the first evidence.
    const li = el("li");
    li.appendChild(el("b", p.kind === "event" ? p.category : cfg.messages.area));
    li.appendChild(el("div", cfg.messages.mentions + ": " + p.mentions + " · " +
      cfg.messages.articles + ": " + p.articles, "meta"));
    if (p.evidence) {
      const list = el("ul", null, "evidence");
      list.appendChild(evidenceItem(p.evidence));
      li.appendChild(list);
    }
    return li;
  }

  function areaPopup(name, members) {
    const box = el("div", null, "popup");
    box.appendChild(el("b", name));
    const list = el("ul", null, "area-members");
    members.forEach(function (m) { list.appendChild(memberItem(m.properties)); });
    box.appendChild(list);
    return box;
  }

  const clusters = L.markerClusterGroup({maxClusterRadius: 40});
  const areas = L.featureGroup();
  map.addLayer(areas);
  map.addLayer(clusters);
  let seen = {};
  let byClass = {};
  // For automation and deep links: zoom until the marker with this class is shown, then call
  // done (used by the browser tests to reach a pin that sits in a cluster).
  window.newswatchMap = {
    map: map,
    show: function (cls, done) {
      const marker = byClass[cls];
      if (!marker) { done(false); return; }
      let finished = false;
      function finish() { if (!finished) { finished = true; done(true); } }
      if (clusters.getVisibleParent(marker) === marker) { finish(); return; }
      clusters.zoomToShowLayer(marker, finish);
      window.setTimeout(finish, 5000);  // zoomToShowLayer waits for a moveend that may not come
    },
  };

  function addPin(f) {
    const p = f.properties;
    const marker = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
      radius: Math.min(18, 5 + Math.sqrt(p.mentions) * 2),
      color: "#333", weight: 1, fillColor: colourOf(p.category), fillOpacity: 0.85,
      className: "nw-marker " + classOf(p),
    });
    marker.bindPopup(function () { return popupFor(p); }, {maxWidth: 360});
    // The place's name on hover (a text node: names come from articles).
    marker.bindTooltip(el("span", p.name + (p.kind === "event" ? " · " + p.category : "")),
      {direction: "top", offset: [0, -6], className: "nw-label"});
    marker.feature = f;
    byClass[classOf(p)] = marker;
    clusters.addLayer(marker);
  }

  function addArea(outline, members) {
    // A country (or territory) named as a place or as where events happened: its outline
    // filled, translucent, in the colour of its busiest event type (else of its place kind).
    members.sort(function (a, b) { return b.properties.mentions - a.properties.mentions; });
    const events = members.filter(function (m) { return m.properties.kind === "event"; });
    const top = (events.length ? events : members)[0].properties;
    const colour = colourOf(top.category);
    const name = members[0].properties.name;
    const layer = L.geoJSON(outline, {
      coordsToLatLng: function (c) { return L.latLng(c[1], c[0]); },
      className: ["nw-area", "nw-area-" + outline.id].concat(members.map(function (m) {
        return classOf(m.properties);
      })).join(" "),
      style: {color: colour, weight: 1.5, opacity: 0.9, fillColor: colour, fillOpacity: 0.3},
    });
    layer.bindPopup(function () { return areaPopup(name, members); }, {maxWidth: 360});
    layer.bindTooltip(el("span", name + " · " + members.map(function (m) {
      return (m.properties.kind === "event" ? m.properties.category : cfg.messages.mentions) +
        " " + m.properties.mentions;
    }).join(", ")), {sticky: true, className: "nw-label"});
    areas.addLayer(layer);
  }

  function draw(data, byId) {
    clusters.clearLayers();
    areas.clearLayers();
    seen = {};
    byClass = {};
    const features = data.features || [];
    const countries = {};
    let events = 0;
    features.forEach(function (f) {
      const p = f.properties;
      seen[p.category] = colourOf(p.category);
      if (p.kind === "event") events += 1;
      if (p.area && byId[p.area]) {
        (countries[p.area] = countries[p.area] || []).push(f);
      } else {
        addPin(f);
      }
    });
    Object.keys(countries).forEach(function (code) { addArea(byId[code], countries[code]); });
    // areas under the pins, outlines under both
    areas.bringToBack();
    if (outlineLayer) outlineLayer.bringToBack();
    status.textContent = (features.length ? cfg.messages.loaded.replace("{n}", features.length) : cfg.messages.none) +
      " · " + cfg.messages.events.replace("{n}", events);
    const legend = document.getElementById("map-legend");
    legend.replaceChildren();
    Object.keys(seen).sort().forEach(function (k) {
      const item = el("span");
      const swatch = el("i", null, "swatch");
      swatch.style.background = seen[k];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(k));
      legend.appendChild(item);
    });
    document.body.dataset.mapEvents = String(events);
    document.body.dataset.mapAreas = String(Object.keys(countries).length);
    document.body.dataset.mapReady = String(features.length);
    return features.length;
  }

  // Only the answer to the latest request is drawn: a slow answer to an earlier range that
  // arrives after a later one is dropped, so the map always shows the range the slider reads.
  let latest = 0;
  function load(extra) {
    const url = cfg.data + (extra ? (cfg.data.indexOf("?") < 0 ? "?" : "&") + extra : "");
    const ticket = ++latest;
    return Promise.all([outlines, fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); })])
      .then(function (both) { return ticket === latest ? draw(both[1], both[0]) : null; });
  }

  // The date range: two range inputs over the days events happened on (/api/map/days),
  // each day shown in the interface language. Moving either reloads the events of the range.
  function setUpRange(days) {
    const box = document.getElementById("map-range");
    const from = document.getElementById("range-from");
    const to = document.getElementById("range-to");
    const fromDay = document.getElementById("range-from-day");
    const toDay = document.getElementById("range-to-day");
    if (!box || days.length < 2) return;
    [from, to].forEach(function (input) { input.max = String(days.length - 1); });
    from.value = "0";
    to.value = String(days.length - 1);
    let timer = null;
    let asked = "";
    function show() {
      fromDay.textContent = day(days[Number(from.value)]);
      toDay.textContent = day(days[Number(to.value)]);
      from.setAttribute("aria-valuetext", fromDay.textContent);
      to.setAttribute("aria-valuetext", toDay.textContent);
    }
    function moved(ev) {
      // the two ends never cross: the one not moved follows
      if (Number(from.value) > Number(to.value)) {
        if (ev && ev.target === from) to.value = from.value; else from.value = to.value;
      }
      show();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        const whole = Number(from.value) === 0 && Number(to.value) === days.length - 1;
        const extra = whole ? "" : "happened_since=" + days[Number(from.value)] +
          "&happened_until=" + days[Number(to.value)];
        if (extra === asked) return;
        asked = extra;
        document.body.dataset.mapRange = extra;
        delete document.body.dataset.mapReady;
        load(extra);
      }, 250);
    }
    from.addEventListener("input", moved);
    to.addEventListener("input", moved);
    document.getElementById("range-all").addEventListener("click", function () {
      from.value = "0";
      to.value = String(days.length - 1);
      moved();
    });
    show();
    box.hidden = false;
  }

  load("").then(function () {
    const bounds = L.latLngBounds([]);
    if (clusters.getLayers().length) bounds.extend(clusters.getBounds());
    if (areas.getLayers().length) bounds.extend(areas.getBounds());
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.2), {maxZoom: 6});
    return fetch(cfg.days, {credentials: "same-origin"}).then(function (r) { return r.json(); });
  }).then(function (answer) { setUpRange(answer.days || []); }, function () {
    status.textContent = cfg.messages.none;
  });
})();
