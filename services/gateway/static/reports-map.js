/* Miroir — maps of the reports pages, with Leaflet (served by the site itself).
 *
 * Everything here is an enhancement: every page works without it. The server writes each map as an empty
 * element (hidden until this script runs) whose data- attributes say what to show:
 *   data-kind="list"  the reports of the list page; "Search this area" fills the filter form's bounding box
 *                     (hidden fields south, west, north, east of the form named by data-filters) and sends it;
 *   data-kind="pick"  the report form: a click sets the latitude and longitude fields (ids in data-latitude,
 *                     data-longitude), and typing them moves the marker;
 *   data-kind="show"  one report's place.
 * data-points is a JSON list of {title, lat, lng, href, status}; data-icon, data-icon-2x and data-shadow are
 * the marker images' fingerprinted URLs; data-zoom-in and data-zoom-out the zoom buttons' labels.
 * The background comes from OpenStreetMap's tile server, the only resource from another site (see the CSP).
 *
 * The report form's extra questions: the server sends the questions of every category; this script shows
 * (and sends) only those of the chosen category.
 */
(function () {
    'use strict';

    var TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
    var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
    // Metropolitan France, when there is nothing to show yet.
    var FRANCE = [46.6, 2.4];

    function number(text) {
        var value = parseFloat(String(text || '').replace(',', '.'));
        return isFinite(value) ? value : null;
    }

    function points(el) {
        try {
            var list = JSON.parse(el.getAttribute('data-points') || '[]');
            return Array.isArray(list) ? list.filter(function (p) { return isFinite(p.lat) && isFinite(p.lng); }) : [];
        } catch (e) {
            return [];
        }
    }

    function popup(point) {
        var box = document.createElement('div');
        var link = document.createElement('a');
        link.href = point.href;
        link.textContent = point.title;
        box.appendChild(link);
        if (point.status) {
            var status = document.createElement('p');
            status.textContent = point.status;
            box.appendChild(status);
        }
        return box;
    }

    function setUp(el) {
        var L = window.L;
        var hidden = el.closest('[hidden]');
        if (hidden) hidden.hidden = false;
        var icon = L.icon({
            iconUrl: el.getAttribute('data-icon'),
            iconRetinaUrl: el.getAttribute('data-icon-2x'),
            shadowUrl: el.getAttribute('data-shadow'),
            iconSize: [25, 41],
            iconAnchor: [12, 41],
            popupAnchor: [1, -34],
            shadowSize: [41, 41],
        });
        var map = L.map(el, { zoomControl: false });
        L.control.zoom({
            zoomInTitle: el.getAttribute('data-zoom-in') || 'Zoom in',
            zoomOutTitle: el.getAttribute('data-zoom-out') || 'Zoom out',
        }).addTo(map);
        L.tileLayer(TILES, {
            maxZoom: 19,
            attribution: ATTRIBUTION,
            // OpenStreetMap's tile policy asks for a referrer; the site's own policy sends none to other sites.
            referrerPolicy: 'strict-origin-when-cross-origin',
        }).addTo(map);

        var kind = el.getAttribute('data-kind');
        var list = points(el);
        var bounds = [];
        list.forEach(function (p) {
            var marker = L.marker([p.lat, p.lng], { icon: icon, title: p.title, alt: p.title, keyboard: true });
            if (kind !== 'show') marker.bindPopup(popup(p));
            marker.addTo(map);
            bounds.push([p.lat, p.lng]);
        });

        var area = ['south', 'west', 'north', 'east'].map(function (side) { return number(el.getAttribute('data-' + side)); });
        var center = (el.getAttribute('data-center') || '').split(',').map(number);
        if (area.every(function (v) { return v !== null; })) {
            map.fitBounds([[area[0], area[1]], [area[2], area[3]]]);
        } else if (bounds.length > 1) {
            map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
        } else if (bounds.length === 1) {
            map.setView(bounds[0], 17);
        } else if (center.length === 2 && center[0] !== null && center[1] !== null) {
            map.setView(center, 14);
        } else {
            map.setView(FRANCE, 5);
        }

        if (kind === 'list') searchThisArea(L, map, el);
        if (kind === 'pick') pickAPlace(L, map, el, icon);
    }

    /* "Search this area": the filter form gets the map's box and is sent. */
    function searchThisArea(L, map, el) {
        var form = document.getElementById(el.getAttribute('data-filters'));
        if (!form) return;
        var Search = L.Control.extend({
            options: { position: 'topright' },
            onAdd: function () {
                var button = L.DomUtil.create('button', 'map-search-button');
                button.type = 'button';
                button.textContent = el.getAttribute('data-search-label') || 'Search this area';
                L.DomEvent.disableClickPropagation(button);
                L.DomEvent.on(button, 'click', function () {
                    var b = map.getBounds();
                    var sides = { south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast() };
                    Object.keys(sides).forEach(function (side) {
                        var input = form.elements.namedItem(side);
                        if (input) input.value = sides[side].toFixed(6);
                    });
                    var page = form.elements.namedItem('page');
                    if (page) page.value = '';
                    form.submit();
                });
                return button;
            },
        });
        new Search().addTo(map);
    }

    /* The report form: a click on the map fills the latitude and longitude. */
    function pickAPlace(L, map, el, icon) {
        var lat = document.getElementById(el.getAttribute('data-latitude'));
        var lng = document.getElementById(el.getAttribute('data-longitude'));
        if (!lat || !lng) return;
        var label = el.getAttribute('data-marker-label') || '';
        var marker = null;
        function place(latlng, move) {
            if (!marker) {
                marker = L.marker(latlng, { icon: icon, title: label, alt: label, keyboard: false }).addTo(map);
            } else {
                marker.setLatLng(latlng);
            }
            if (move) map.setView(latlng, Math.max(map.getZoom(), 16));
        }
        function fromFields() {
            var a = number(lat.value);
            var b = number(lng.value);
            if (a !== null && b !== null && Math.abs(a) <= 90 && Math.abs(b) <= 180) place([a, b], true);
        }
        fromFields();
        lat.addEventListener('change', fromFields);
        lng.addEventListener('change', fromFields);
        map.on('click', function (e) {
            lat.value = e.latlng.lat.toFixed(6);
            lng.value = e.latlng.lng.toFixed(6);
            place(e.latlng, false);
        });
    }

    /* The report form: only the chosen category's questions are shown and sent. */
    function questions() {
        var select = document.querySelector('#report-form select[name="category"]');
        var sets = document.querySelectorAll('#report-form fieldset.questions[data-category]');
        if (!select || sets.length === 0) return;
        function show() {
            Array.prototype.forEach.call(sets, function (set) {
                var mine = set.getAttribute('data-category') === select.value;
                set.hidden = !mine;
                set.disabled = !mine;
                var hint = set.querySelector('.hint');
                if (hint) hint.hidden = true;
            });
        }
        select.addEventListener('change', show);
        show();
    }

    function start() {
        questions();
        if (!window.L) return;
        Array.prototype.forEach.call(document.querySelectorAll('.map[data-kind]'), function (el) {
            try {
                setUp(el);
            } catch (e) {
                // A map that cannot start leaves the page as it works without JavaScript.
                var hidden = el.parentElement && el.parentElement.closest('section, div');
                if (hidden && hidden.id && /map/.test(hidden.id)) hidden.hidden = true;
            }
        });
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
})();
