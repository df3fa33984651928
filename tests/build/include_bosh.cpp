// SPDX-License-Identifier: GPL-3.0-or-later
// Layering probe, built by CTest against switchboard-http: the HTTP front must not see the BOSH module
// above it, so this must fail to build.
#include "bosh/boshsession.h"

int switchboardLayeringProbe()
{
    return 0;
}
