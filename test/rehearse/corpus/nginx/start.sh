# nginx (Debian's nginx-light) as the reverse proxy in front of an application, at its defaults: it buffers the request
# body before passing it on (proxy_request_buffering on). The application behind it is a second nginx server block on
# a unix socket. The configuration is written to /tmp (the unit's PrivateTmp) with the port of PORT.
dir=$(mktemp -d /tmp/nginx-rehearsal.XXXXXX)
sed -e "s|@PORT@|$PORT|g" -e "s|@DIR@|$dir|g" nginx.conf > "$dir/nginx.conf"
