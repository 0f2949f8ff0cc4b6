# Asterisk 22 from Debian sid (bookworm has no asterisk package), as the rig uses it.
FROM debian:sid-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends asterisk asterisk-moh-opsound-gsm \
      asterisk-core-sounds-en-gsm \
 && rm -rf /var/lib/apt/lists/* /etc/asterisk/*
# /etc/asterisk is filled by the asterisk-conf service (acd asterisk-conf) at start-up
CMD ["asterisk", "-f", "-n"]
