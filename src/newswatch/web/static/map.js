// Map: country outlines from Natural Earth (world-atlas TopoJSON, served locally), an optional
// tile layer, and clustered markers from /api/map coloured by kind. Popups are built with DOM
// calls (textContent), never from HTML strings, so stored text cannot inject markup.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const map = L.map("map", {worldCopyJump: true, attributionControl: true, minZoom: 2, maxZoom: 12}).setView([38, 66], 4);
  map.attributionControl.setPrefix(false);
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, {maxZoom: 18, attribution: cfg.tileAttribution}).addTo(map);
  }
  const status = document.getElementById("map-status");

  fetch(cfg.countries).then(function (r) { return r.json(); }).then(function (topo) {
    const countries = topojson.feature(topo, topo.objects.countries);
    // Natural Earth's Antarctica and the polygons that cross the antimeridian (Russia, Fiji)
    // would draw as bands across a Mercator map: drop the first, shift the west half of the
    // others by 360 degrees.
    countries.features = countries.features.filter(function (f) { return f.id !== "010"; });
    L.geoJSON(countries, {
      coordsToLatLng: function (c) { return L.latLng(c[1], c[0]); },
      onEachFeature: function () {},
      filter: function (f) { shiftIfCrossing(f.geometry); return true; },
      style: {color: "#888", weight: 0.6, fillColor: "#eef0ea", fillOpacity: cfg.tileUrl ? 0 : 1},
      interactive: false,
    }).addTo(map).bringToBack();
    map.attributionControl.addAttribution(cfg.messages.attribution);
  });

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

  const clusters = L.markerClusterGroup({maxClusterRadius: 40});
  const seen = {};
  const byClass = {};
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
  fetch(cfg.data, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
    const features = data.features || [];
    features.forEach(function (f) {
      const p = f.properties;
      const colour = colourOf(p.category);
      seen[p.category] = colour;
      const marker = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
        radius: Math.min(18, 5 + Math.sqrt(p.mentions) * 2),
        color: "#333", weight: 1, fillColor: colour, fillOpacity: 0.85,
        className: "nw-marker nw-" + p.kind + "-" + String(p.key).replace(/[^A-Za-z0-9]/g, "-"),
      });
      marker.bindPopup(function () { return popupFor(p); }, {maxWidth: 360});
      // The place's name on hover (a text node: names come from articles).
      marker.bindTooltip(el("span", p.name + (p.kind === "event" ? " · " + p.category : "")),
        {direction: "top", offset: [0, -6], className: "nw-label"});
      marker.feature = f;
      byClass["nw-" + p.kind + "-" + String(p.key).replace(/[^A-Za-z0-9]/g, "-")] = marker;
      clusters.addLayer(marker);
    });
    map.addLayer(clusters);
    if (features.length) map.fitBounds(clusters.getBounds().pad(0.2), {maxZoom: 6});
    status.textContent = features.length ? cfg.messages.loaded.replace("{n}", features.length) : cfg.messages.none;
    const legend = document.getElementById("map-legend");
    Object.keys(seen).sort().forEach(function (k) {
      const item = el("span");
      const swatch = el("i", null, "swatch");
      swatch.style.background = seen[k];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(k));
      legend.appendChild(item);
    });
    document.body.dataset.mapReady = String(features.length);
  });
})();
