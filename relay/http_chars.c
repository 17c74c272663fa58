/* The byte classes of the HTTP parser, one table lookup per byte. */
#include "relay/http_priv.h"

#define NO	0					/* CTL, DEL */
#define SP	(C_VALUE | C_QDTEXT)			/* SP, HTAB */
#define VG	(C_VALUE | C_TARGET)			/* " \ */
#define PU	(C_VALUE | C_TARGET | C_QDTEXT)		/* other delimiters */
#define OB	PU					/* obs-text */
#define PT	(PU | C_TOKEN)				/* # % ^ ` | */
#define PH	(PU | C_HOST)				/* ( ) , ; = */
#define TH	(PU | C_TOKEN | C_HOST)			/* ! $ & ' * _ ~ */
#define AL	(TH | C_SCHEME)				/* letters + - . */
#define HX	(AL | C_HEX)				/* hex digits */

const uint8_t http_class[256] = {
	NO, NO, NO, NO, NO, NO, NO, NO, NO, SP, NO, NO, NO, NO, NO, NO,
	NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
	SP, TH, VG, PT, TH, PT, TH, TH, PH, PH, TH, AL, PH, AL, AL, PU,
	HX, HX, HX, HX, HX, HX, HX, HX, HX, HX, PU, PH, PU, PH, PU, PU,
	PU, HX, HX, HX, HX, HX, HX, AL, AL, AL, AL, AL, AL, AL, AL, AL,
	AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, PU, VG, PU, PT, TH,
	PT, HX, HX, HX, HX, HX, HX, AL, AL, AL, AL, AL, AL, AL, AL, AL,
	AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, PU, PT, PU, TH, NO,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
	OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB, OB,
};
