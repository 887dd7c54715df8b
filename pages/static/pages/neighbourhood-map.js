// Draws one neighbourhood's map from its GeoJSON: outline, hazard areas, people coloured by
// their status, supporters and shelters, with a layer switch and a popup for each marker.
(function () {
  const element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  const colours = { covered: "#1b6e34", partial: "#b35900", uncovered: "#c00000", no_consent: "#666", "": "#666" };
  const map = L.map(element);
  L.tileLayer(element.dataset.tiles, {
    attribution: '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>', maxZoom: 18,
  }).addTo(map);
  const layers = { area: L.layerGroup(), hazard: L.layerGroup(), person: L.layerGroup(),
                   supporter: L.layerGroup(), shelter: L.layerGroup() };
  fetch(element.dataset.geojson, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((collection) => {
      const area = L.geoJSON(collection.features.filter((f) => f.properties.type === "area"),
        { style: { color: "#333", weight: 2, dashArray: "6 4", fill: false } }).addTo(layers.area);
      L.geoJSON(collection.features.filter((f) => f.properties.type === "hazard"),
        { style: { color: "#3d7ae0", weight: 0, fillOpacity: 0.3 } }).addTo(layers.hazard);
      for (const feature of collection.features) {
        const type = feature.properties.type;
        if (!["person", "supporter", "shelter"].includes(type)) continue;
        const [lon, lat] = feature.geometry.coordinates;
        const marker = type === "shelter"
          ? L.marker([lat, lon])
          : L.circleMarker([lat, lon], { radius: type === "person" ? 8 : 6, weight: 1, color: "#fff", fillOpacity: 0.9,
              fillColor: type === "person" ? colours[feature.properties.status] : "#0b4a8b" });
        // Built as elements, never as HTML text, so that a name can never become markup.
        const popup = document.createElement(feature.properties.url ? "a" : "span");
        popup.textContent = feature.properties.name;
        if (feature.properties.url) popup.href = feature.properties.url;
        marker.bindPopup(popup);
        marker.addTo(layers[type]);
        element.dataset.markers = String(Number(element.dataset.markers || 0) + 1);
      }
      Object.values(layers).forEach((layer) => layer.addTo(map));
      L.control.layers(null, {
        [element.dataset.labelHazard || "Hazard"]: layers.hazard,
        [element.dataset.labelPeople || "People"]: layers.person,
        [element.dataset.labelSupporters || "Supporters"]: layers.supporter,
        [element.dataset.labelShelters || "Shelters"]: layers.shelter,
      }).addTo(map);
      map.fitBounds(area.getBounds(), { padding: [20, 20] });
    });
})();
