// Draws one neighbourhood's map from its GeoJSON: outline, hazard areas, the walking routes to
// the shelters, people coloured by their status, supporters and shelters, with a layer switch,
// a popup for each marker and a tooltip for each route.
(function () {
  const element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  const colours = { covered: "#1b6e34", partial: "#b35900", uncovered: "#c00000", no_consent: "#666", "": "#666" };
  const map = L.map(element);
  L.tileLayer(element.dataset.tiles, {
    attribution: '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>', maxZoom: 18,
  }).addTo(map);
  // Purple: apart from the blue hazard areas and the status colours of the people.
  const routeStyle = { color: "#7b2d9e", weight: 3, opacity: 0.8 };
  // Added in this order, so that routes lie under the markers they join.
  const layers = { area: L.layerGroup(), hazard: L.layerGroup(), route: L.layerGroup(),
                   person: L.layerGroup(), supporter: L.layerGroup(), shelter: L.layerGroup() };
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
  // "{metres}" and "{minutes}" filled in the page's language, as the template translated it.
  const walkWords = (properties) => (element.dataset.labelWalk || "{metres} m ({minutes} min)")
    .replace("{metres}", numberFormat.format(properties.metres))
    .replace("{minutes}", numberFormat.format(properties.minutes));
  fetch(element.dataset.geojson, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((collection) => {
      const area = L.geoJSON(collection.features.filter((f) => f.properties.type === "area"),
        { style: { color: "#333", weight: 2, dashArray: "6 4", fill: false } }).addTo(layers.area);
      L.geoJSON(collection.features.filter((f) => f.properties.type === "hazard"),
        { style: { color: "#3d7ae0", weight: 0, fillOpacity: 0.3 } }).addTo(layers.hazard);
      const routes = collection.features.filter((f) => f.properties.type === "route");
      L.geoJSON(routes, {
        style: routeStyle,
        onEachFeature: (feature, line) => {
          // Built as text, never as HTML, so that a shelter's name can never become markup.
          const tooltip = document.createElement("span");
          tooltip.textContent = feature.properties.metres == null ? feature.properties.shelter
            : `${feature.properties.shelter}: ${walkWords(feature.properties)}`;
          if (feature.properties.warning) {
            const warning = document.createElement("strong");
            warning.className = "route-warning";
            warning.textContent = feature.properties.warning;
            tooltip.append(document.createElement("br"), warning);
          }
          line.bindTooltip(tooltip, { sticky: true });
          // A finger cannot hover: a tap opens the same words in a popup, kept in view.
          // Narrow enough for a phone, and panned clear of the zoom and layer controls.
          line.bindPopup(tooltip.cloneNode(true), { maxWidth: 220, autoPanPadding: [56, 56] });
          // The route pointed at or tapped stands out from the others on the same streets.
          const highlight = () => line.setStyle({ weight: 5, opacity: 1 });
          line.on("mouseover", highlight);
          line.on("popupopen", () => { line.closeTooltip(); highlight(); });
          line.on("mouseout popupclose", () => { if (!line.isPopupOpen()) line.setStyle(routeStyle); });
        },
      }).addTo(layers.route);
      element.dataset.routes = String(routes.length);
      for (const feature of collection.features) {
        const type = feature.properties.type;
        if (!["person", "supporter", "shelter"].includes(type)) continue;
        const [lon, lat] = feature.geometry.coordinates;
        // A home at its town's point (町丁目) is only near the house: a dark dashed outline.
        const approximate = feature.properties.approximate === true;
        const outline = approximate ? { weight: 2, color: "#14161a", dashArray: "3 3" } : { weight: 1, color: "#fff" };
        const marker = type === "shelter"
          ? L.marker([lat, lon])
          : L.circleMarker([lat, lon], { radius: type === "person" ? 8 : 6, ...outline, fillOpacity: 0.9,
              fillColor: type === "person" ? colours[feature.properties.status] : "#0b4a8b" });
        // Built as elements, never as HTML text, so that a name can never become markup.
        const name = document.createElement(feature.properties.url ? "a" : "span");
        name.textContent = feature.properties.name;
        if (feature.properties.url) name.href = feature.properties.url;
        let popup = name;
        if (approximate) {
          popup = document.createElement("span");
          const note = document.createElement("small");
          note.className = "approximate";
          note.textContent = element.dataset.labelApproximate || "Approximate position";
          popup.append(name, document.createElement("br"), note);
          const legend = document.getElementById("legend-approximate");
          if (legend) legend.style.display = "";
          marker.bindTooltip(note.textContent);
          element.dataset.approximate = String(Number(element.dataset.approximate || 0) + 1);
        }
        marker.bindPopup(popup);
        marker.addTo(layers[type]);
        element.dataset.markers = String(Number(element.dataset.markers || 0) + 1);
      }
      // The routes layer is on, and offered, only when the run drew routes.
      Object.entries(layers).forEach(([type, layer]) => {
        if (type !== "route" || routes.length) layer.addTo(map);
      });
      L.control.layers(null, {
        [element.dataset.labelHazard || "Hazard"]: layers.hazard,
        ...(routes.length ? { [element.dataset.labelRoutes || "Evacuation routes"]: layers.route } : {}),
        [element.dataset.labelPeople || "People"]: layers.person,
        [element.dataset.labelSupporters || "Supporters"]: layers.supporter,
        [element.dataset.labelShelters || "Shelters"]: layers.shelter,
      }).addTo(map);
      map.fitBounds(area.getBounds(), { padding: [20, 20] });
    });
})();
