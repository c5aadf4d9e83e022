vcl 4.1;

# The frontend cache in front of gunicorn (docs/operations.md, "Frontend cache").
#
# Django decides what may be shared: zoneportal.page_cache gives anonymous pages that may be
# cached "Cache-Control: public, max-age=0, s-maxage=N"; everything else (signed-in pages,
# pages with a form, the API, the admin) is passed through untouched. A PURGE from the portal
# (zoneportal.frontend_cache, after every publish) bans every cached object.
#
# varnishd -a :6081 -f deploy/varnish.vcl -p vcc_allow_inline_c=off \
#     (the backend below is replaced by the start script: -p or a copy with the right port)

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        ban("obj.status != 0");
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed in, or a message waiting: the page is the person's own.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # 适老化 (care) mode changes the page (zoneportal/care_mode.py): the two renderings are
    # stored apart (vcl_hash). Whatever the visitor sends as X-Care is replaced.
    if (req.http.Cookie ~ "(^|;\s*)zp_care=1(;|$)") {
        set req.http.X-Care = "1";
    } else {
        set req.http.X-Care = "0";
    }
    # Anonymous: other cookies (the CSRF cookie) do not change the page; a page that needs one
    # sets it again and is then not stored (Set-Cookie). Only the care-mode cookie goes on to
    # the portal, which renders that mode on a miss.
    if (req.http.X-Care == "1") {
        set req.http.Cookie = "zp_care=1";
    } else {
        unset req.http.Cookie;
    }
    return (hash);
}

sub vcl_hash {
    # Then the built-in vcl_hash adds the URL and the host.
    hash_data(req.http.X-Care);
}

sub vcl_backend_response {
    if (beresp.http.Cache-Control !~ "s-maxage") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # When a page's time is up, the next visitor still gets it at once while Varnish fetches
    # the new one in the background (grace); a publish bans it outright, grace or not.
    set beresp.grace = 10m;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Frontend-Cache = "hit";
    } else {
        set resp.http.X-Frontend-Cache = "miss";
    }
}
