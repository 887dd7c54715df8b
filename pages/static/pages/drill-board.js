// The live board of a drill: a map of the people the user may see, coloured by their latest
// state, and the counts and lists beside it, refreshed from the board's JSON every few seconds
// without reloading (the report forms stay as they are, so that a half-typed note survives).
// Every text is set as text, never as HTML, so that a name can never become markup.
(function () {
  const board = document.getElementById("board");
  if (!board) return;
  const pollMs = Number(board.dataset.poll || 10) * 1000;
  const byId = (id) => document.getElementById(id);
  const words = (key, n) => (board.dataset[key] || "").replace("{n}", String(n));
  const make = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text != null) node.textContent = text;
    if (className) node.className = className;
    return node;
  };

  // --- the clock since the start, ticking between polls -------------------------------------
  let elapsed = Number(board.dataset.elapsed || 0);
  let open = board.dataset.open === "1";
  let fetchedAt = Date.now();
  const pad = (n) => String(n).padStart(2, "0");
  const tick = () => {
    const seconds = elapsed + (open ? Math.floor((Date.now() - fetchedAt) / 1000) : 0);
    byId("elapsed").textContent =
      `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  };
  tick();
  setInterval(tick, 1000);

  // --- the map --------------------------------------------------------------------------------
  const element = byId("drill-map");
  let map = null;
  const markers = new Map();
  if (element && typeof L !== "undefined") {
    map = L.map(element);
    L.tileLayer(element.dataset.tiles, {
      attribution: '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>', maxZoom: 18,
    }).addTo(map);
    const outlines = JSON.parse(byId("drill-outlines").textContent);
    const frame = L.geoJSON(outlines, { style: { color: "#333", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
    if (frame.getBounds().isValid()) map.fitBounds(frame.getBounds(), { padding: [20, 20] });
    else map.setView([35.68, 139.76], 12);
  }

  const placeMarkers = (data, colours, labels) => {
    if (!map) return;
    const seen = new Set();
    for (const person of data.people) {
      seen.add(person.id);
      let marker = markers.get(person.id);
      if (!marker) {
        marker = L.circleMarker([person.lat, person.lon], { radius: 8, weight: 1, color: "#fff", fillOpacity: 0.9 });
        marker.addTo(map);
        markers.set(person.id, marker);
      }
      marker.setStyle({ fillColor: colours[person.state] });
      const popup = make("span");
      const link = make("a", person.name);
      link.href = person.url;
      popup.append(link, document.createElement("br"), make("span", labels[person.state]));
      if (person.time) popup.append(make("span", ` ${person.time}`));
      marker.bindPopup(popup);
    }
    // Someone the user may no longer see (an emergency ended) leaves the map.
    for (const [id, marker] of markers) {
      if (!seen.has(id)) { marker.remove(); markers.delete(id); }
    }
    element.dataset.markers = String(markers.size);
  };

  // --- counts and lists -----------------------------------------------------------------------
  const tagFor = (state, colours, labels) => {
    const tag = make("span", labels[state], "tag state");
    tag.style.background = colours[state];
    return tag;
  };

  const fillList = (list, items, empty) => {
    list.replaceChildren(...(items.length ? items : [make("li", empty)]));
  };

  const render = (data) => {
    const colours = {};
    const labels = {};
    for (const s of data.states) { colours[s.state] = s.colour; labels[s.state] = s.label; }
    elapsed = data.drill.elapsed_s;
    open = data.drill.open;
    fetchedAt = Date.now();
    tick();
    for (const s of data.states) {
      const cell = document.querySelector(`#state-counts tr[data-state="${s.state}"] td`);
      if (cell) cell.textContent = String(s.count);
    }
    byId("total").textContent = String(data.total);
    byId("hidden-count").hidden = !data.hidden;
    for (const area of data.areas) {
      const row = document.querySelector(`#area-counts tr[data-area="${CSS.escape(area.code)}"]`);
      if (!row) continue;
      for (const [state, count] of Object.entries(area.counts)) {
        const cell = row.querySelector(`td[data-state="${state}"]`);
        if (cell) cell.textContent = String(count);
      }
      row.querySelector("td[data-total]").textContent = String(area.total);
    }
    const people = new Map(data.people.map((person) => [person.id, person]));
    // Those who need help first, with what they need where the reader may see it.
    fillList(byId("needs-help"), data.needs_help.map((entry) => {
      const person = people.get(entry.id);
      const item = make("li");
      const link = make("a", person ? person.name : "");
      link.href = `#person-${entry.id}`;
      item.append(link, " ", make("small", person ? person.area : ""));
      if (entry.note) item.append(` — ${entry.note}`);
      return item;
    }), "");
    byId("needs-help-count").textContent = String(data.needs_help.length);
    byId("needs-help-box").hidden = !data.needs_help.length;
    // Not reached after the set minutes, at the top.
    const late = data.not_reached.map((id) => {
      const person = people.get(id);
      const item = make("li");
      const link = make("a", person.name);
      link.href = `#person-${id}`;
      item.append(link, " ", make("small", person.area));
      if (person.state !== "not_reached") item.append(" ", tagFor(person.state, colours, labels));
      if (person.checkers.length) item.append(" ", make("small", `← ${person.checkers.join(", ")}`));
      return item;
    });
    const notReached = byId("not-reached");
    if (data.late) fillList(notReached, late, words("labelNobody"));
    else fillList(notReached, [], words("labelNotYet", data.drill.not_reached_minutes));
    byId("not-reached-count").textContent = String(data.not_reached.length);
    const hiddenLate = byId("not-reached-hidden");
    hiddenLate.hidden = !data.not_reached_hidden;
    hiddenLate.textContent = words("labelHidden", data.not_reached_hidden);
    // Supporters who have not opened their link.
    fillList(byId("unopened"), data.unopened.map((s) => {
      const item = make("li", s.name);
      if (s.phone) {
        const tel = make("a", s.phone, "tel");
        tel.href = `tel:${s.phone}`;
        item.append(" ", tel);
      }
      return item;
    }), words("labelNobody"));
    byId("unopened-count").textContent = String(data.unopened.length);
    const hiddenSupporters = byId("unopened-hidden");
    hiddenSupporters.hidden = !data.unopened_hidden;
    hiddenSupporters.textContent = words("labelHidden", data.unopened_hidden);
    // Each person's state and last report; rows of people no longer visible go.
    for (const row of document.querySelectorAll("#board-people tr[data-person]")) {
      const person = people.get(Number(row.dataset.person));
      if (!person) { row.remove(); continue; }
      row.querySelector('[data-cell="state"]').replaceChildren(tagFor(person.state, colours, labels));
      const at = row.querySelector('[data-cell="at"]');
      at.replaceChildren(person.time || "—");
      if (person.on_behalf) at.append(" ", make("small", `(${words("labelBehalf")})`));
    }
    if (!data.drill.open) {
      const state = byId("drill-state");
      state.classList.remove("drill-open");
      state.textContent = words("labelOver");
      for (const form of document.querySelectorAll(".phone-entry, .drill-close")) form.remove();
    }
    placeMarkers(data, colours, labels);
    const updated = byId("updated");
    updated.classList.remove("stale");
    updated.textContent = new Date().toLocaleTimeString(document.documentElement.lang || undefined,
      { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    board.dataset.polls = String(Number(board.dataset.polls || 0) + 1);
  };

  const poll = () => {
    fetch(board.dataset.json, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then(render)
      .catch(() => {
        const updated = byId("updated");
        updated.classList.add("stale");
        updated.textContent = words("labelStale");
      })
      .finally(() => { if (open) setTimeout(poll, pollMs); });
  };
  poll();
})();
